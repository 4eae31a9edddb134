"""After a speed-mentoring evening: whom each participant would like to
meet again, and what comes of it (docs/speed-mentoring.md).

Both yes: the introduction is accepted at once, if the senior has room.
The intern's yes alone: an ordinary request the senior answers. The
senior's yes alone: the intern is told, and their yes makes it mutual. A
later no withdraws the request a yes sent, if it still waits; it never
undoes an accepted introduction. Each side tells the other at most once per
pair and evening: a senior's yes tells the intern once (told_at), and an
intern's yes again after a no opens the withdrawn request again, quietly,
instead of sending a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.events.models import Event
from eventsapp.introductions.again import Again, meet_again, withdraw_within
from eventsapp.introductions.expiry import expire_stale
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import IntroRequest, RequestStatus, waiting_at
from eventsapp.introductions.services import lock_people
from eventsapp.introductions.states import Stand
from eventsapp.speed import signals
from eventsapp.speed.evening import NotParticipant, follow_up_open, is_expected, open_session
from eventsapp.speed.links import PageLink
from eventsapp.speed.models import SpeedFollowUp, SpeedSeat, SpeedSession
from eventsapp.transactions import begin_write


class Closed(DomainError):
    """The evening's last round has not started yet."""


@dataclass
class Met:
    """Someone the viewer met at a table, and where the two stand."""

    person: User
    again: bool  # the viewer's answer so far (no answer reads as no)
    answered: bool
    they_wish: bool  # they said yes (shown to an intern; a senior sees the request)
    request: IntroRequest | None  # the open introduction between them, if any


@dataclass
class FollowUp:
    event: Event
    as_senior: bool
    met: list[Met]


def follow_up(session: Session, viewer: User, event_id: int, now: datetime) -> FollowUp:
    """The people the viewer met in the rounds held, with the answers so far."""
    speed = _open_session(session, event_id, now)
    seats = _held_seats(session, speed, viewer.id, now)
    if not seats and not is_expected(session, event_id, viewer.id):
        raise NotParticipant("You did not take part in this speed-mentoring evening.")
    as_senior = _as_senior(viewer, seats)
    others = _others(seats, viewer.id)
    answers = _answers(session, speed.id, viewer.id)
    waiting = _open_requests(session, viewer.id, [p.id for p in others], as_senior, now)
    met = []
    for person in others:
        mine, theirs = answers.get((viewer.id, person.id)), answers.get((person.id, viewer.id))
        met.append(
            Met(
                person,
                bool(mine and mine.again),
                mine is not None,
                bool(theirs and theirs.again),
                waiting.get(person.id),
            )
        )
    return FollowUp(speed.event, as_senior, met)


def _open_session(session: Session, event_id: int, now: datetime) -> SpeedSession:
    speed = open_session(session, event_id)
    if not follow_up_open(speed, now):
        raise Closed("You can say whom you'd like to meet again once the last round has started.")
    return speed


def _held_seats(session: Session, speed: SpeedSession, user_id: int, now: datetime) -> list[SpeedSeat]:
    """The viewer's seats in the rounds held (up to the one under way; all once the event has ended)."""
    return list(
        session.scalars(
            sa.select(SpeedSeat)
            .where(
                SpeedSeat.session_id == speed.id,
                SpeedSeat.round <= speed.rounds_held(now),
                sa.or_(SpeedSeat.intern_id == user_id, SpeedSeat.senior_id == user_id),
            )
            .order_by(SpeedSeat.round, SpeedSeat.id)
            .options(selectinload(SpeedSeat.senior), selectinload(SpeedSeat.intern))
        )
    )


def _as_senior(viewer: User, seats: list[SpeedSeat]) -> bool:
    if seats:
        return seats[0].senior_id == viewer.id
    return viewer.profile.can_mentor


def _others(seats: list[SpeedSeat], user_id: int) -> list[User]:
    """Each person met, once, in the order of the rounds."""
    found: dict[int, User] = {}
    for seat in seats:
        other = seat.intern if seat.senior_id == user_id else seat.senior
        found.setdefault(other.id, other)
    return list(found.values())


def _answers(session: Session, speed_id: int, user_id: int) -> dict[tuple[int, int], SpeedFollowUp]:
    """The answers from and to the viewer, by (from, to)."""
    rows = session.scalars(
        sa.select(SpeedFollowUp).where(
            SpeedFollowUp.session_id == speed_id,
            sa.or_(SpeedFollowUp.from_id == user_id, SpeedFollowUp.to_id == user_id),
        )
    )
    return {(row.from_id, row.to_id): row for row in rows}


def _open_requests(
    session: Session, user_id: int, others: list[int], as_senior: bool, now: datetime
) -> dict[int, IntroRequest]:
    """The introduction waiting or accepted with each person met (one query)."""
    if not others:
        return {}
    mine, theirs = (
        (IntroRequest.senior_id, IntroRequest.requester_id)
        if as_senior
        else (IntroRequest.requester_id, IntroRequest.senior_id)
    )
    rows = session.scalars(
        sa.select(IntroRequest).where(
            mine == user_id,
            theirs.in_(others),
            sa.or_(IntroRequest.status == RequestStatus.ACCEPTED, waiting_at(now)),
        )
    )
    return {(row.requester_id if as_senior else row.senior_id): row for row in rows}


@dataclass(frozen=True)
class Links:
    """What the view hands down: the introductions page and the follow-up page."""

    introductions: IntroductionLinks | None
    follow_up: PageLink


def save_answers(
    session: Session, viewer: User, event_id: int, wished: set[int], now: datetime, links: Links
) -> list[str]:
    """Store the viewer's answer about each person met (yes for those in
    `wished`) and act on each pair, in one transaction. Answering again
    is safe. Returns what happened, in words, for the page."""
    expire_stale(session, now, links=links.introductions)
    begin_write(session)
    speed = _open_session(session, event_id, now)
    seats = _held_seats(session, speed, viewer.id, now)
    if not seats:
        raise NotParticipant("You met nobody at this evening's tables, so there is nobody to answer about.")
    lock_people(session, viewer.id, *(p.id for p in _others(seats, viewer.id)))
    try:
        said = _answer_each(session, speed, viewer, seats, wished, now, links)
        session.commit()
    except IntegrityError as exc:  # the same answers, sent twice at once: the other one was kept
        session.rollback()
        raise DomainError("Your answers were just saved from another window; here they are.") from exc
    return said


def _answer_each(session, speed, viewer, seats, wished, now, links) -> list[str]:
    answers = _answers(session, speed.id, viewer.id)
    said = []
    for person in _others(seats, viewer.id):
        mine = answers.get((viewer.id, person.id))
        was = bool(mine and mine.again)
        if mine is None:
            mine = SpeedFollowUp(session_id=speed.id, from_id=viewer.id, to_id=person.id, again=False, created_at=now)
            session.add(mine)
        mine.again, mine.updated_at = person.id in wished, now
        pair = _Pair(speed, viewer, person, mine, answers.get((person.id, viewer.id)), _as_senior(viewer, seats))
        words = _act(session, pair, was, now, links)
        if words:
            said.append(words)
    return said


@dataclass
class _Pair:
    speed: SpeedSession
    viewer: User
    person: User
    mine: SpeedFollowUp
    theirs: SpeedFollowUp | None
    as_senior: bool

    @property
    def intern(self) -> User:
        return self.person if self.as_senior else self.viewer

    @property
    def senior(self) -> User:
        return self.viewer if self.as_senior else self.person


def _act(session: Session, pair: _Pair, was: bool, now: datetime, links: Links) -> str:
    """What one answer does, in words ("" when nothing changed worth saying)."""
    name = pair.person.name
    if not pair.mine.again:
        return _said_no(session, pair, was, now) if was else ""
    other_yes = bool(pair.theirs and pair.theirs.again)
    if pair.as_senior and not other_yes:
        if pair.mine.told_at is None:  # once per pair and evening, however often the answer changes
            pair.mine.told_at = now
            signals.wished_to_meet_again.send(
                session, senior=pair.senior, intern=pair.intern, event=pair.speed.event, link=links.follow_up
            )
        return f"We told {name} you'd like to meet again."
    message = f"We met at {pair.speed.event.title}'s speed mentoring; I'd like to meet again."
    result = meet_again(
        session,
        pair.intern,
        pair.senior,
        message,
        now,
        mutual=other_yes,
        links=links.introductions,
        withdrawn=None if pair.as_senior else pair.mine.intro_request_id,
    )
    if result.made:
        pair.mine.intro_request_id = result.request.id
        if result.outcome == Again.ACCEPTED and pair.theirs is not None:
            pair.theirs.intro_request_id = result.request.id
    return _outcome_words(result, pair)


def _said_no(session: Session, pair: _Pair, was: bool, now: datetime) -> str:
    """A no after a yes: the request that yes sent is withdrawn if it still waits."""
    name = pair.person.name
    request = session.get(IntroRequest, pair.mine.intro_request_id) if pair.mine.intro_request_id else None
    if request is not None and request.status == RequestStatus.ACCEPTED:
        return f"You and {name} stay introduced: a later no never undoes an accepted introduction."
    if request is not None and withdraw_within(session, request.id, pair.viewer.id, now):
        return f"Your request to meet {name} again is withdrawn."
    return ""


def _outcome_words(result, pair: _Pair) -> str:
    name, senior = pair.person.name, pair.senior
    if result.outcome == Again.ACCEPTED:
        return f"You both said yes: you and {name} are introduced. You can now see each other's email address."
    if result.outcome == Again.CONNECTED:
        return f"You're already connected with {name}: nothing more to do."
    if result.outcome == Again.NO_ROOM:
        if pair.as_senior:
            return (
                f"You both said yes, but you already have {senior.profile.intro_capacity} active introductions, "
                f"your limit: {name}'s request waits for your answer on your introductions page."
            )
        return f"You both said yes, but {senior.name} has no room for another introduction now: your request waits."
    if result.outcome == Again.ASKED:
        if pair.as_senior:
            return f"{name}'s request waits for your answer on your introductions page."
        return f"We asked {name} for you: the request waits for their answer."
    if pair.as_senior and result.stand == Stand.NOT_OFFERED:
        return (
            f"You both said yes, but your profile says you are not open to meeting interns: "
            f"turn it on to be introduced to {name}."
        )
    if pair.as_senior:
        return f"You both said yes, but no introduction can be made with {name} right now."
    return result.why
