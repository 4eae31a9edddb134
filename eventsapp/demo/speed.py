"""The demo's speed-mentoring evenings: one coming up, planned, so that the
organizer's page, the projector, the printed schedule and the intern's
phone have something true to show; and one held a few weeks ago, with
whom-to-meet-again answers, so that the results page has too. Everything
goes through the real services (settings, planning, follow-ups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.config import site_root
from eventsapp.demo.people import DemoPerson
from eventsapp.events.details import EventDetails
from eventsapp.events.models import Event
from eventsapp.events.services import create_event
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import IntroRequest
from eventsapp.introductions.services import active_connections
from eventsapp.profiles import career
from eventsapp.rsvps.models import Rsvp
from eventsapp.speed import followups, planning, settings
from eventsapp.speed.links import PageLink
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.timeutil import utcnow

ORGANIZER = "organizer@riverside.example"
INTERN, SENIOR = "intern@riverside.example", "senior@riverside.example"


@dataclass(frozen=True)
class DemoEvening:
    title: str
    day_offset: int  # days from the seeding day (negative: past)
    start: time
    minutes: int
    location: str
    interns: int  # interns and students going, the demo intern among them
    seniors: int  # senior colleagues open to interns going, the demo senior among them
    settings: settings.Settings
    description: str = ""


COMING = DemoEvening(
    "Speed Mentoring Evening: Internal Medicine", 9, time(18, 0), 120, "Education Center, Main Hall",
    interns=14, seniors=7, settings=settings.Settings(6, 8, 2, 7, 2),
    description="Interns and students rotate between senior colleagues' tables, eight minutes each. "
    "On the evening, open this event's page on your phone: it shows your table for each round.",
)  # fmt: skip
HELD = DemoEvening(
    "Speed Mentoring Evening: Careers in Medicine", -19, time(18, 0), 90, "Harlow Auditorium foyer, Level 2",
    interns=10, seniors=5, settings=settings.Settings(5, 8, 2, 5, 2),
    description="Five short conversations each with attendings and fellows, then drinks.",
)  # fmt: skip


@dataclass(frozen=True)
class SeededSpeed:
    events: int = 0
    answers: int = 0
    introductions: int = 0


def seed_speed(session: Session, people: list[DemoPerson]) -> SeededSpeed:
    """Both evenings; only into a database with no speed mentoring yet."""
    if session.scalar(sa.select(sa.func.count()).select_from(SpeedSession)):
        return SeededSpeed()
    users = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_([p.email for p in people])))}
    organizer, now = users[ORGANIZER], utcnow()
    interns, seniors = _sides(people, users)
    coming = _evening(session, organizer, COMING, interns[: COMING.interns], seniors[: COMING.seniors], now)
    planning.plan_evening(session, organizer, coming.id, _version(session, coming), now)
    # The held evening: others than the coming one's, but with the demo logins.
    held_interns = interns[:1] + interns[-(HELD.interns - 1) :]
    held_seniors = seniors[:1] + seniors[-(HELD.seniors - 1) :]
    held = _evening(session, organizer, HELD, held_interns, held_seniors, now)
    _check_in(session, held, [*held_interns[:-1], *held_seniors])  # one intern did not come
    # Planned at the door, once they were checked in (once the event has ended, no round is re-planned).
    planning.plan_evening(session, organizer, held.id, _version(session, held), held.starts_at + timedelta(minutes=5))
    _hold_every_round(session, held)
    before = session.scalar(sa.select(sa.func.count()).select_from(IntroRequest))
    _answer(session, held, users, now)
    made = session.scalar(sa.select(sa.func.count()).select_from(IntroRequest)) - before
    going = COMING.interns + COMING.seniors + HELD.interns + HELD.seniors
    return SeededSpeed(2, going, made)


def _sides(people: list[DemoPerson], users: dict[str, User]) -> tuple[list[User], list[User]]:
    """Interns and students; seniors open to interns (not the organizer or
    the admin). The demo logins first, the others in the demo's order."""
    interns = [users[INTERN]] + [
        users[p.email] for p in people[4:] if p.career_stage in (career.STUDENT, career.INTERN)
    ]
    seniors = [users[SENIOR]] + [
        users[p.email]
        for p in people[4:]
        if p.open_to_interns and p.career_stage in career.SENIOR_STAGES and p.role == "member"
    ]
    return interns, seniors


def _evening(session, organizer: User, spec: DemoEvening, interns, seniors, now: datetime) -> Event:
    """The event, everyone going, and its speed-mentoring settings saved."""
    zone = current_app.config["APP_TIMEZONE"]
    day = now.astimezone(ZoneInfo(zone)).date() + timedelta(days=spec.day_offset)
    ends = datetime.combine(day, spec.start) + timedelta(minutes=spec.minutes)
    details = EventDetails(
        title=spec.title,
        kind="social",
        timezone=zone,
        start_date=day,
        start_time=spec.start,
        end_date=ends.date(),
        end_time=ends.time(),
        location=spec.location,
        description=spec.description,
    )
    event = create_event(session, organizer, details)
    answered = min(event.starts_at, now) - timedelta(days=8)
    for step, user in enumerate([*interns, *seniors]):
        at = answered + timedelta(minutes=11 * step)
        session.add(Rsvp(event_id=event.id, user_id=user.id, state="going", created_at=at, updated_at=at))
    session.commit()
    settings.save_settings(session, organizer, event.id, spec.settings, None, now)
    return event


def _version(session: Session, event: Event) -> int:
    return session.scalar(sa.select(SpeedSession.version).where(SpeedSession.event_id == event.id))


def _check_in(session: Session, event: Event, users: list[User]) -> None:
    for step, user in enumerate(users):
        at = event.starts_at - timedelta(minutes=15) + timedelta(minutes=step % 20)
        session.add(CheckIn(event_id=event.id, user_id=user.id, method=CheckInMethod.QR, checked_in_at=at))
    session.commit()


def _hold_every_round(session: Session, event: Event) -> None:
    """The organizer started each round in turn: the last one began when
    the schedule said it would."""
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == event.id))
    step = timedelta(minutes=speed.round_minutes + speed.break_minutes)
    speed.current_round, speed.version = speed.rounds, speed.version + speed.rounds
    speed.round_started_at = event.starts_at + timedelta(minutes=10) + step * (speed.rounds - 1)
    session.commit()


def _answer(session: Session, event: Event, users: dict[str, User], now: datetime) -> None:
    """Whom some of them would like to meet again: a mutual match (an
    introduction accepted at once), an intern's wish alone (a request
    waiting for the senior), a senior's wish alone (the intern is told)."""
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == event.id))
    seats = session.scalars(
        sa.select(SpeedSeat).where(SpeedSeat.session_id == speed.id).order_by(SpeedSeat.round, SpeedSeat.table_no)
    ).all()
    tomas = users[SENIOR].id
    asked = {(r.requester_id, r.senior_id) for r in session.scalars(sa.select(IntroRequest))}
    free = [s for s in seats if (s.intern_id, s.senior_id) not in asked and s.senior_id != tomas]
    mutual = next(s for s in free if active_connections(session, s.senior_id) < s.senior.profile.intro_capacity)
    rest = [s for s in free if s.intern_id != mutual.intern_id and s.senior_id != mutual.senior_id]
    one_sided, senior_only = rest[0], next(s for s in rest if s.intern_id != rest[0].intern_id)
    path, site = f"/events/{event.id}/speed/follow-up", site_root(current_app.config)
    links = followups.Links(IntroductionLinks.at(site), PageLink(path, site.rstrip("/") + path))
    wishes = [
        (mutual.intern, {mutual.senior_id}),
        (mutual.senior, {mutual.intern_id}),
        (one_sided.intern, {one_sided.senior_id}),
        (senior_only.senior, {senior_only.intern_id}),
    ]
    for person, wished in wishes:
        followups.save_answers(session, person, event.id, wished, now, links)
