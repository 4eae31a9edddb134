"""Who came: check-ins by organizers (walk-ins too) and by QR code."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.accounts.models import NAME_MAX, User
from eventsapp.attendance import showrate
from eventsapp.attendance.kept import kept_in
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event, KeptAttendance
from eventsapp.profiles.career import stage_label
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.text import clean, has_letter_or_digit, sort_key
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

#: Self check-in opens this long before the start and closes at the end.
OPENS_BEFORE = timedelta(minutes=30)
SEARCH_LIMIT = 10


class AlreadyCheckedIn(DomainError):
    pass


class CheckInClosed(DomainError):
    pass


def window(event: Event) -> tuple[datetime, datetime]:
    return event.starts_at - OPENS_BEFORE, event.ends_at


class Phase:
    """Where an event stands for check-in. Organizers may still record who
    came once it is over (from a paper list, say); the QR code works only
    while it is OPEN."""

    NOT_YET = "not-yet"
    OPEN = "open"
    OVER = "over"
    CANCELLED = "cancelled"


def phase(event: Event, now: datetime) -> str:
    opens, closes = window(event)
    if event.is_cancelled:
        return Phase.CANCELLED
    if now < opens:
        return Phase.NOT_YET
    return Phase.OPEN if now <= closes else Phase.OVER


def _locked_for(session: Session, event_id: int, actor: User | None = None) -> Event:
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    if actor is not None and not event.is_organized_by(actor):
        raise NotAllowed("Only this event's organizers can check people in.")
    if event.is_cancelled:
        raise CheckInClosed("This event was cancelled.")
    return event


def _record(session: Session, check_in: CheckIn, who: str) -> CheckIn:
    session.add(check_in)
    try:
        session.commit()
    except IntegrityError as exc:
        # The unique index caught a second check-in that raced this one.
        session.rollback()
        raise AlreadyCheckedIn(f"{who} is already checked in.") from exc
    return check_in


def check_in_member(session: Session, actor: User, event_id: int, user_id: int, now: datetime | None = None) -> CheckIn:
    """An organizer checks in a member, with or without an RSVP (a walk-in)."""
    event = _locked_for(session, event_id, actor)
    now = now or utcnow()
    if now < window(event)[0]:
        raise CheckInClosed("Check-in opens 30 minutes before the start.")
    member = session.get(User, user_id)
    if member is None:
        raise NotFound("No such member.")
    if session.scalar(sa.select(CheckIn.id).where(CheckIn.event_id == event_id, CheckIn.user_id == user_id)):
        raise AlreadyCheckedIn(f"{member.name} is already checked in.")
    return _record(
        session,
        CheckIn(
            event_id=event_id,
            user_id=user_id,
            method=CheckInMethod.ORGANIZER,
            checked_in_at=now,
            checked_in_by_id=actor.id,
        ),
        member.name,
    )


def check_in_guest(session: Session, actor: User, event_id: int, name: str, now: datetime | None = None) -> CheckIn:
    """A walk-in without an account, recorded by name."""
    name = clean(name)
    if not has_letter_or_digit(name):
        raise DomainError("Enter the guest's name.", field="guest_name")
    if len(name) > NAME_MAX:
        raise DomainError(f"Use at most {NAME_MAX} characters.", field="guest_name")
    event = _locked_for(session, event_id, actor)
    now = now or utcnow()
    if now < window(event)[0]:
        raise CheckInClosed("Check-in opens 30 minutes before the start.")
    if session.scalar(
        sa.select(CheckIn.id).where(CheckIn.event_id == event_id, sa.func.lower(CheckIn.guest_name) == name.lower())
    ):
        raise AlreadyCheckedIn(f"{name} is already checked in.")
    return _record(
        session,
        CheckIn(
            event_id=event_id,
            guest_name=name,
            method=CheckInMethod.ORGANIZER,
            checked_in_at=now,
            checked_in_by_id=actor.id,
        ),
        name,
    )


def self_check_in(session: Session, user: User, event_id: int, secret: str, now: datetime | None = None) -> CheckIn:
    """A member scanned the code shown at the venue."""
    event = _locked_for(session, event_id)
    if not secret_matches(event, secret):
        raise CheckInClosed("This check-in code is not valid for this event.")
    now = now or utcnow()
    opens, closes = window(event)
    if now < opens:
        raise CheckInClosed("Check-in opens 30 minutes before the start. Scan again then.")
    if now > closes:
        raise CheckInClosed("This event is over; check-in has closed.")
    if session.scalar(sa.select(CheckIn.id).where(CheckIn.event_id == event_id, CheckIn.user_id == user.id)):
        raise AlreadyCheckedIn("You're already checked in. Enjoy the event!")
    return _record(
        session, CheckIn(event_id=event_id, user_id=user.id, method=CheckInMethod.QR, checked_in_at=now), "You"
    )


def secret_matches(event: Event, secret: str) -> bool:
    """Compared in constant time: the answer's timing tells nothing about the secret."""
    return hmac.compare_digest(event.checkin_secret.encode(), (secret or "").encode())


@dataclass(frozen=True)
class SheetRow:
    user_id: int | None
    name: str
    email: str
    stage: str
    state: str  # RSVP state, or "walk-in"
    checked_in_at: datetime | None


@dataclass(frozen=True)
class Sheet:
    rows: list[SheetRow]
    going: int
    waitlisted: int
    maybe: int
    checked_in: int
    checked_in_going: int
    removed_at: datetime | None = None  # when the rows went, their counts kept (docs/retention.md)

    @property
    def show_rate(self) -> int | None:
        """Percent of those going who came."""
        return round(100 * self.checked_in_going / self.going) if self.going else None


STATE_ORDER = {RsvpState.GOING: 0, RsvpState.WAITLISTED: 1, RsvpState.MAYBE: 2, "walk-in": 3}


def attendee_sheet(session: Session, event: Event) -> Sheet:
    """Everyone who answered (except 'not going') or came, and the counts the
    event kept if its rows were removed (docs/retention.md): three queries."""
    rsvps = session.execute(
        sa.select(
            Rsvp.user_id, Rsvp.state, Rsvp.queued_at, User.name, User.email, Profile.career_stage, Profile.pgy_year
        )
        .outerjoin(User, User.id == Rsvp.user_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(Rsvp.event_id == event.id, Rsvp.state != RsvpState.DECLINED)
    ).all()
    check_ins = session.execute(
        sa.select(
            CheckIn.user_id,
            CheckIn.guest_name,
            CheckIn.checked_in_at,
            User.name,
            User.email,
            Profile.career_stage,
            Profile.pgy_year,
        )
        .outerjoin(User, User.id == CheckIn.user_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .where(CheckIn.event_id == event.id)
    ).all()
    rows = _sheet_rows(rsvps, check_ins)
    rows.sort(key=lambda r: (STATE_ORDER[r.state], sort_key(r.name)))
    going = sum(1 for r in rows if r.state == RsvpState.GOING)
    sheet = Sheet(
        rows,
        going,
        sum(1 for r in rows if r.state == RsvpState.WAITLISTED),
        sum(1 for r in rows if r.state == RsvpState.MAYBE),
        len(check_ins),
        showrate.paired(
            sum(1 for r in rows if r.state == RsvpState.GOING and r.checked_in_at),
            sum(1 for r in rsvps if r.user_id is None and r.state == RsvpState.GOING),
            sum(1 for c in check_ins if c.user_id is None and c.guest_name is None),
        ),
    )
    return kept_in(session.get(KeptAttendance, event.id), sheet)


def _sheet_rows(rsvps, check_ins) -> list[SheetRow]:
    """One row per answer, with the time its member came, and one per
    walk-in (a guest, or a member who came without answering)."""
    arrived = {c.user_id: c.checked_in_at for c in check_ins if c.user_id is not None}
    rows, answered = [], set()
    for r in rsvps:
        answered.add(r.user_id)
        rows.append(
            SheetRow(
                r.user_id,
                r.name or "Former member",
                r.email or "",
                stage_label(r.career_stage, r.pgy_year) if r.name else "",
                r.state,
                arrived.get(r.user_id) if r.user_id else None,
            )
        )
    for c in check_ins:
        if c.user_id is None or c.user_id not in answered:
            name = c.name or c.guest_name or "Former member"
            rows.append(
                SheetRow(
                    c.user_id,
                    name,
                    c.email or "",
                    stage_label(c.career_stage, c.pgy_year) if c.name else "Guest",
                    "walk-in",
                    c.checked_in_at,
                )
            )
    return rows


def sheet_csv(sheet: Sheet, zone: str) -> str:
    from zoneinfo import ZoneInfo

    from eventsapp.attendance.csvexport import to_csv

    labels = {**RsvpState.LABELS, "walk-in": "Walk-in"}
    return to_csv(
        ["Name", "Email", "Career stage", "Answer", "Checked in at"],
        (
            [
                r.name,
                r.email,
                r.stage,
                labels[r.state],
                r.checked_in_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M") if r.checked_in_at else "",
            ]
            for r in sheet.rows
        ),
    )


def find_members(session: Session, query: str) -> list[tuple[User, str]]:
    """Members whose name matches, for checking in a walk-in."""
    needle = clean(query).lower()
    if len(needle) < 2:
        return []
    rows = session.execute(
        sa.select(User, Profile.career_stage, Profile.pgy_year)
        .join(Profile)
        .where(sa.func.lower(User.name).contains(needle, autoescape=True))
        .order_by(User.name_key, User.id)
        .limit(SEARCH_LIMIT)
    )
    return [(user, stage_label(stage, pgy)) for user, stage, pgy in rows]
