"""The evening's plan as the organizer's page, the projector and the
printed schedule read it: one query for the seats (with both names), the
participants' three, and nothing per row. Reasons are written about the
pair ("Both are interested in …"): the organizer is not one of them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, joinedload

from eventsapp.accounts.models import User
from eventsapp.events.models import KeptAttendance
from eventsapp.speed import clock, pairing, reasons
from eventsapp.speed.departures import Left, departures
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.speed.participants import Present, present
from eventsapp.speed.planning import seating_notes

HELD, UNDER_WAY, PLANNED, NOT_HELD = "held", "under way", "planned", "not held"


@dataclass(frozen=True)
class Place:
    user_id: int
    name: str
    reason: str = ""
    score: float = 0.0
    gone: bool = False  # no longer present: a re-plan leaves them out


@dataclass
class Table:
    number: int
    senior: Place
    interns: list[Place] = field(default_factory=list)


@dataclass
class Round:
    number: int
    status: str
    tables: list[Table] = field(default_factory=list)
    unseated: list[tuple[str, str]] = field(default_factory=list)  # (name, why)


def find(session: Session, event_id: int) -> SpeedSession | None:
    return session.scalar(
        sa.select(SpeedSession).where(SpeedSession.event_id == event_id).options(joinedload(SpeedSession.event))
    )


def rounds_of(session: Session, speed: SpeedSession, now: datetime, only: int | None = None) -> list[Round]:
    """Every round (or only one), its tables in order with their interns,
    and whether it is held at `now` (every one once the event has ended)."""
    senior, intern = aliased(User), aliased(User)
    query = (
        sa.select(SpeedSeat, senior.name, intern.name, reasons.shared_shown(SpeedSeat.intern_id, SpeedSeat.senior_id))
        .join(senior, senior.id == SpeedSeat.senior_id)
        .join(intern, intern.id == SpeedSeat.intern_id)
        .where(SpeedSeat.session_id == speed.id)
        .order_by(SpeedSeat.round, SpeedSeat.table_no, intern.name_key, intern.id)
    )
    if only is not None:
        query = query.where(SpeedSeat.round == only)
    numbers = [only] if only is not None else range(1, speed.rounds + 1)
    current, held = speed.current_round, speed.rounds_held(now)
    ended = speed.has_ended(now)
    rounds = {n: Round(n, _status(n, current, held, ended)) for n in numbers}
    tables: dict[tuple[int, int], Table] = {}
    for seat, senior_name, intern_name, shared in session.execute(query):
        if seat.round not in rounds:
            continue
        key = (seat.round, seat.table_no)
        if key not in tables:
            tables[key] = Table(seat.table_no, Place(seat.senior_id, senior_name))
            rounds[seat.round].tables.append(tables[key])
        tables[key].interns.append(
            Place(seat.intern_id, intern_name, reasons.from_shared(shared, pairing.THEY), seat.score)
        )
    return list(rounds.values())


def _status(number: int, current: int, held: int, ended: bool) -> str:
    """Once the evening has ended it is history: the rounds held, and those never run."""
    if ended:
        return HELD if number <= held else NOT_HELD
    if number < current:
        return HELD
    return UNDER_WAY if number == current else PLANNED


def _mark_gone(rounds: list[Round], here: set[int]) -> None:
    """Flag, in rounds still to come, the people planned who are no longer present."""
    for rnd in rounds:
        if rnd.status != PLANNED:
            continue
        for table in rnd.tables:
            table.senior = _flagged(table.senior, here)
            table.interns = [_flagged(p, here) for p in table.interns]


def _flagged(place: Place, here: set[int]) -> Place:
    return place if place.user_id in here else Place(place.user_id, place.name, place.reason, place.score, True)


def _unseated(rounds: list[Round], people: Present, tables: int, seats_per_table: int) -> None:
    """Who present is not at a table in each round still to come, and why (held
    rounds and the one under way are history: their tables show who sat, and
    today's settings and people say nothing true about them). The seniors who
    can host: all those present, or, with fewer tables, those at one."""
    met: dict[int, set[int]] = defaultdict(set)
    for rnd in rounds:
        for table in rnd.tables:
            for p in table.interns:
                met[p.user_id].add(table.senior.user_id)
    here = {p.user_id for p in people.seniors}
    hosting = here if len(here) <= tables else {t.senior.user_id for rnd in rounds for t in rnd.tables} & here
    room = Room(min(tables, len(here)), seats_per_table)
    for rnd in rounds:
        if rnd.status == PLANNED:
            free = {t.senior.user_id for t in rnd.tables if len(t.interns) < seats_per_table}
            seated = {p.user_id for t in rnd.tables for p in t.interns}
            now = Now(hosting, {t.senior.user_id for t in rnd.tables}, free, len(seated))
            for intern in people.interns:
                if intern.user_id not in seated:
                    rnd.unseated.append((intern.name, _why(met[intern.user_id], now, room)))


@dataclass(frozen=True)
class Room:
    """What the evening can seat a round: the tables that could host (no more
    than the tables set, nor than the seniors present) and their seats."""

    tables: int
    seats_per_table: int


@dataclass(frozen=True)
class Now:
    """One round to come as planned, against who is present now."""

    hosting: set[int]  # seniors present who can host
    hosts: set[int]  # seniors at a table this round
    free: set[int]  # of them, those with a free seat
    seated: int  # interns seated this round


def _why(met: set[int], now: Now, room: Room) -> str:
    """Why an intern present has no seat in a round to come: each reason
    checked against who is present now, not assumed, in the order that
    explains most (meeting everyone already beats a lack of seats)."""
    if now.hosting and now.hosting <= met:
        return "Has met every senior at a table in other rounds."
    if room.tables and now.seated >= room.tables * room.seats_per_table:
        return "Every seat was taken: more tables or interns per table would seat them."
    if not met:
        return "Not in the plan yet (arrived, or came back, after it was made): re-plan to seat them."
    if not now.hosts:
        return "Nobody is seated in this round yet: re-plan to seat them."
    if len(now.hosts) < room.tables:
        return (
            "Fewer tables than the seniors here could host (a senior left, or one arrived after the plan): "
            "re-plan to seat them."
        )
    if now.free - met:
        return "A senior they have not met has a free seat this round: re-plan to seat them."
    if now.hosts <= met:
        return "Has met every senior hosting this round."
    return "The seniors they have not met have no free seat this round: more interns per table would seat them."


@dataclass(frozen=True)
class Overview:
    speed: SpeedSession | None
    people: Present
    rounds: list[Round]
    moment: clock.Moment | None
    notes: tuple[str, ...]  # what the room leaves out (planning.seating_notes)
    held: int = 0  # rounds held (speed.rounds_held): once all are, nothing is left to plan or start
    left: list[Left] = field(default_factory=list)  # marked as having left the evening


def overview(session: Session, event_id: int, now: datetime) -> Overview:
    """Everything the organizer's page shows."""
    speed = find(session, event_id)
    people = present(session, event_id)
    if speed is None:
        return Overview(None, people, [], None, ())
    rounds = rounds_of(session, speed, now)
    _mark_gone(rounds, set(people.names))
    if speed.planned_at is not None:
        _unseated(rounds, people, speed.tables, speed.seats_per_table)
    notes = seating_notes(
        interns=len(people.interns),
        seniors=len(people.seniors),
        tables=speed.tables,
        seats_per_table=speed.seats_per_table,
        rounds=speed.rounds,
    )
    left = departures(session, speed.id)
    return Overview(speed, people, rounds, moment_of(speed, now), notes, speed.rounds_held(now), left)


def moment_of(speed: SpeedSession, now: datetime) -> clock.Moment:
    """Where the evening stands; once the event has ended, it is over."""
    held = speed.rounds_held(now)
    if speed.has_ended(now):
        return clock.Moment(clock.OVER, held, speed.rounds)
    return clock.moment(
        rounds=speed.rounds,
        round_minutes=speed.round_minutes,
        break_minutes=speed.break_minutes,
        current_round=speed.current_round,
        round_started_at=speed.round_started_at,
        now=now,
    )


@dataclass(frozen=True)
class Screen:
    moment: clock.Moment
    shown: Round | None  # the round under way, or the next one during a break


def screen(session: Session, speed: SpeedSession, now: datetime) -> Screen:
    """What the projector shows: the round under way; between rounds and
    before the first, where to sit next."""
    moment = moment_of(speed, now)
    if moment.phase == clock.OVER:
        return Screen(moment, None)
    number = moment.round if moment.phase == clock.IN_ROUND else moment.round + 1
    return Screen(moment, rounds_of(session, speed, now, only=number)[0])


@dataclass
class Line:
    round: int
    table: int | None
    others: list[str]  # whom they meet there


def per_person(rounds: list[Round]) -> list[tuple[str, list[Line]]]:
    """Each person's evening, round by round: their table and whom they meet
    (a round without a seat is a line with no table)."""
    lines: dict[int, dict[int, Line]] = defaultdict(dict)
    names: dict[int, str] = {}
    for rnd in rounds:
        for table in rnd.tables:
            names[table.senior.user_id] = table.senior.name
            lines[table.senior.user_id][rnd.number] = Line(rnd.number, table.number, [p.name for p in table.interns])
            for p in table.interns:
                names[p.user_id] = p.name
                lines[p.user_id][rnd.number] = Line(rnd.number, table.number, [table.senior.name])
    people = sorted(names, key=lambda i: (names[i].casefold(), i))
    return [(names[i], [lines[i].get(rnd.number, Line(rnd.number, None, [])) for rnd in rounds]) for i in people]


def per_table(rounds: list[Round]) -> list[tuple[int, list[tuple[int, Table | None]]]]:
    """Each table's evening, round by round: who sits there."""
    numbers = sorted({t.number for rnd in rounds for t in rnd.tables})
    at = {(rnd.number, t.number): t for rnd in rounds for t in rnd.tables}
    return [(n, [(rnd.number, at.get((rnd.number, n))) for rnd in rounds]) for n in numbers]


def kept_pairs(session: Session, event_id: int) -> int | None:
    """How many pairs met, once the event's attendee rows were removed after
    the retention period (docs/retention.md); None while they are kept."""
    kept = session.get(KeptAttendance, event_id)
    return None if kept is None else kept.speed_pairs
