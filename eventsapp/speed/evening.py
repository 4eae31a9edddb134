"""A participant's speed-mentoring evening: where they sit, round by round,
with whom, why, and a question to start with; and the clock of the round
under way (docs/speed-mentoring.md).

An intern sees the senior at their table; a senior sees the interns who
come to theirs. A round with no seat for them is a break for them. What an
intern looks for is theirs alone: the senior's phone never shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.errors import DomainError, NotFound
from eventsapp.events.models import Event
from eventsapp.profiles import career
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.speed import talks as talking
from eventsapp.speed.icebreakers import icebreaker
from eventsapp.speed.models import SpeedSeat, SpeedSession


class NotParticipant(DomainError):
    """The viewer has no seat this evening, and is neither going nor checked in."""


class Cancelled(DomainError):
    """The event was cancelled: there is nothing to follow or answer."""


CANCELLED = "This evening was cancelled."

#: The intern side of the rounds: those who look for help.
INTERN_STAGES = (career.STUDENT, career.INTERN)


class Side:
    INTERN = "intern"
    SENIOR = "senior"
    SENIOR_CLOSED = "senior_closed"  # a senior stage, not open to meeting interns
    NEITHER = "neither"  # no stage on either side (or none given)


class Phase:
    NOT_STARTED = "not_started"
    ROUND = "round"  # a round under way: talk
    BREAK = "break"  # the round's time is up: move to the next table
    WAITING = "waiting"  # the break is over; the organizer starts the next round
    OVER = "over"  # the last round's time is up


@dataclass(frozen=True)
class Clock:
    """Where the evening stands at `now`: the round, what is happening, and
    the seconds left of it (0 when nothing is counting down)."""

    round: int
    phase: str
    seconds_left: int = 0

    @property
    def counting(self) -> bool:
        return self.phase in (Phase.ROUND, Phase.BREAK) and self.seconds_left > 0

    @property
    def left_words(self) -> str:
        minutes, seconds = divmod(self.seconds_left, 60)
        return f"{minutes}:{seconds:02d}"


def clock(speed: SpeedSession, now: datetime) -> Clock:
    """The clock from the session's round under way and when it started;
    once the event has ended, the evening is over."""
    held = speed.rounds_held(now)
    if speed.has_ended(now):
        return Clock(held, Phase.OVER)
    if speed.current_round == 0 or speed.round_started_at is None:
        return Clock(0, Phase.NOT_STARTED)
    talk_ends = speed.round_started_at + timedelta(minutes=speed.round_minutes)
    if now < talk_ends:
        return Clock(speed.current_round, Phase.ROUND, _seconds(talk_ends - now))
    if speed.current_round >= speed.rounds:
        return Clock(speed.current_round, Phase.OVER)
    break_ends = talk_ends + timedelta(minutes=speed.break_minutes)
    if now < break_ends:
        return Clock(speed.current_round, Phase.BREAK, _seconds(break_ends - now))
    return Clock(speed.current_round, Phase.WAITING)


def _seconds(left: timedelta) -> int:
    return max(0, int(left.total_seconds() + 0.999))  # 0.2 s left still shows 0:01


@dataclass(frozen=True)
class Talk:
    """One conversation at a table: the other person, why they were paired, a question to start."""

    name: str
    reason: str
    icebreaker: str


@dataclass
class Stop:
    """One round of the viewer's evening: a table and the talks at it, or a break."""

    round: int
    table: int | None = None
    talks: list[Talk] = field(default_factory=list)  # with the senior, or with each intern at the table

    @property
    def sitting_out(self) -> bool:
        return self.table is None

    @property
    def people(self) -> str:
        return ", ".join(talk.name for talk in self.talks)


@dataclass
class Evening:
    event: Event
    speed: SpeedSession
    as_senior: bool
    planned: bool
    stops: list[Stop]
    clock: Clock
    follow_up_open: bool
    side: str = Side.INTERN  # which side of the rounds the viewer is on, if any

    @property
    def outside(self) -> bool:
        """Going, but on neither side of the rounds: nobody seats them."""
        return self.side in (Side.SENIOR_CLOSED, Side.NEITHER)

    @property
    def current(self) -> Stop | None:
        """The round the viewer should be at: the one under way, the next
        one during a break (the first before the evening starts); None
        once the last is over."""
        number = {Phase.NOT_STARTED: 1, Phase.ROUND: self.clock.round}.get(self.clock.phase, self.clock.round + 1)
        return next((stop for stop in self.stops if stop.round == number), None)


def speed_session(session: Session, event_id: int) -> SpeedSession:
    """The event's speed-mentoring session, with its event (NotFound if it is not one)."""
    speed = session.scalar(
        sa.select(SpeedSession).where(SpeedSession.event_id == event_id).options(joinedload(SpeedSession.event))
    )
    if speed is None:
        raise NotFound("This event is not a speed-mentoring evening.")
    return speed


def evening_of(session: Session, viewer: User, event_id: int, now: datetime) -> Evening:
    """The viewer's evening at `now` (a fixed number of queries)."""
    speed = open_session(session, event_id)
    seats, _people = _seats_of(session, speed.id, viewer.id)  # (held for the talks below)
    if not seats and not is_expected(session, event_id, viewer.id):
        raise NotParticipant("You are not taking part in this speed-mentoring evening.")
    as_senior = any(seat.senior_id == viewer.id for seat in seats) or (not seats and viewer.profile.can_mentor)
    planned = speed.planned_at is not None or bool(seats)
    stops = [_stop(number, [s for s in seats if s.round == number], as_senior) for number in range(1, speed.rounds + 1)]
    side = (Side.SENIOR if as_senior else Side.INTERN) if seats else side_of(viewer)
    return Evening(speed.event, speed, as_senior, planned, stops, clock(speed, now), follow_up_open(speed, now), side)


def side_of(viewer: User) -> str:
    """Which side of the rounds the viewer's profile puts them on: the
    planner seats interns and students, and seniors open to meeting interns."""
    profile = viewer.profile
    if profile.career_stage in INTERN_STAGES:
        return Side.INTERN
    if profile.can_mentor:
        return Side.SENIOR if profile.open_to_interns else Side.SENIOR_CLOSED
    return Side.NEITHER


def open_session(session: Session, event_id: int) -> SpeedSession:
    """The event's session, unless the event was cancelled (Cancelled)."""
    speed = speed_session(session, event_id)
    if speed.event.is_cancelled:
        raise Cancelled(CANCELLED)
    return speed


#: How long before the event starts the phone page starts refreshing itself.
LIVE_BEFORE = timedelta(hours=1)


def is_live(event: Event, now: datetime) -> bool:
    """The phone page refreshes itself only from an hour before the event
    starts until it ends: days before or after, nothing moves on."""
    return event.starts_at - LIVE_BEFORE <= now <= event.ends_at


def follow_up_open(speed: SpeedSession, now: datetime) -> bool:
    """Whom to meet again may be said once the last round has started, or the event has ended."""
    return speed.rounds_held(now) >= speed.rounds or speed.has_ended(now)


@dataclass(frozen=True)
class Standing:
    """What the event page needs to link: the event is a speed-mentoring
    evening, and the member takes part in it."""

    is_speed: bool = False
    taking_part: bool = False


def standing(session: Session, user_id: int, event_id: int) -> Standing:
    """The member's standing at the event's speed-mentoring evening (one query)."""
    speed_id = sa.select(SpeedSession.id).where(SpeedSession.event_id == event_id).scalar_subquery()
    seated = sa.exists().where(
        SpeedSeat.session_id == speed_id, sa.or_(SpeedSeat.intern_id == user_id, SpeedSeat.senior_id == user_id)
    )
    is_speed, taking_part = session.execute(
        sa.select(sa.exists().where(SpeedSession.event_id == event_id), sa.or_(seated, _expected(event_id, user_id)))
    ).one()
    return Standing(bool(is_speed), bool(is_speed and taking_part))


def _seats_of(session: Session, speed_id: int, user_id: int) -> tuple[list[SpeedSeat], list[User]]:
    """The viewer's seats, and everyone at them with their profile and
    interests: while the caller holds them, reading seat.senior costs no query."""
    seats = list(
        session.scalars(
            sa.select(SpeedSeat)
            .where(
                SpeedSeat.session_id == speed_id, sa.or_(SpeedSeat.intern_id == user_id, SpeedSeat.senior_id == user_id)
            )
            .order_by(SpeedSeat.round, SpeedSeat.table_no, SpeedSeat.id)
        )
    )
    ids = {seat.senior_id for seat in seats} | {seat.intern_id for seat in seats}
    if not ids:
        return seats, []
    people = session.scalars(
        sa.select(User).where(User.id.in_(ids)).options(joinedload(User.profile).selectinload(Profile.specialties))
    )
    return seats, list(people.unique())


def is_expected(session: Session, event_id: int, user_id: int) -> bool:
    """Going to the event, or checked in at its door (one query)."""
    return session.scalar(sa.select(_expected(event_id, user_id)))


def _expected(event_id: int, user_id: int):
    return sa.or_(
        sa.exists().where(Rsvp.event_id == event_id, Rsvp.user_id == user_id, Rsvp.state == RsvpState.GOING),
        sa.exists().where(CheckIn.event_id == event_id, CheckIn.user_id == user_id),
    )


def _stop(number: int, seats: list[SpeedSeat], as_senior: bool) -> Stop:
    if not seats:
        return Stop(number)
    talks = [
        Talk(
            seat.intern.name if as_senior else seat.senior.name,
            talking.reason(seat.intern, seat.senior, as_senior),
            icebreaker(talking.pair_facts(seat.intern, seat.senior, for_senior=as_senior)),
        )
        for seat in seats
    ]
    return Stop(number, seats[0].table_no, talks)
