"""Planning an evening's seats, re-planning the rounds still to come, and
starting the next round (or undoing a start made by mistake). Rounds held
and the round under way are never touched: a re-plan rewrites only the
later ones, from the people present now (a late arrival joins them, a
senior who left is no longer at a table).

A plan is computed before the write lock is taken (on SQLite the lock
stops every other writer), then written under it if the evening's version
is still the one it was computed from (docs/speed-mentoring.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.models import Event
from eventsapp.speed import pairing, planner
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.speed.participants import present
from eventsapp.speed.settings import ENDED, Settings, Stale, claim, locked_evening, save_settings

NO_SENIORS = "No senior colleague is present yet: check them in, or wait for one to say they are going."
NO_INTERNS = "No intern or student is present yet: check them in, or wait for one to say they are going."
STALE_PLAN = "Someone else re-planned this evening a moment ago; here is the current plan."
STALE_ROUND = "Someone else started a round a moment ago; here is where the evening stands."
CANCELLED = "This event was cancelled: its evening is not held."
NOT_SET_UP = "This event is not a speed-mentoring evening yet: save its settings first."
#: How long before the event's start its first round may be started.
EARLIEST_START = timedelta(minutes=60)


class AlreadyUnderWay(DomainError):
    """The round asked for was started a moment ago, by this very click's
    twin (a double click): nothing to do, and nobody else to blame."""


@dataclass(frozen=True)
class Planned:
    seats: int  # seats written
    first_round: int  # the first round (re)planned
    notes: tuple[str, ...] = ()  # what the organizer should know (empty seats, interns sitting out)


@dataclass(frozen=True)
class Draft:
    """A plan computed, not yet written: the seats of rounds `first` on."""

    first: int
    seats: tuple[SpeedSeat, ...]
    from_check_in: bool
    quality: planner.Quality
    notes: tuple[str, ...]


def seating_notes(*, interns: int, seniors: int, tables: int, seats_per_table: int, rounds: int) -> tuple[str, ...]:
    """What the room leaves out, in words: each intern meets each senior once, so
    with fewer seniors than rounds every intern sits some rounds out; and the
    hosted tables' seats may be fewer than the interns, every round."""
    notes = []
    if seniors and rounds > seniors:
        people = "senior" if seniors == 1 else "seniors"
        notes.append(
            f"With {seniors} {people} present, each intern can meet at most {seniors}: "
            f"each sits out at least {rounds - seniors} of the {rounds} rounds"
        )
    hosts = min(seniors, tables)
    if hosts and interns > hosts * seats_per_table:
        tables_said = _count(hosts, "table") if hosts == tables else _count(hosts, "senior's table", "seniors' tables")
        most, verb = hosts * seats_per_table, "seats" if hosts == 1 else "seat"
        notes.append(
            f"{tables_said} of {_count(seats_per_table, 'seat')} {verb} at most {_count(most, 'intern')} a round: "
            f"{interns - most} will sit out each round"
        )
    return tuple(notes)


def _count(number: int, one: str, many: str = "") -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _refuse(session: Session, error: DomainError) -> NoReturn:
    """Nothing is saved: the lock (if any) goes with the transaction."""
    session.rollback()
    raise error


def _read_evening(session: Session, actor: User, event_id: int) -> tuple[Event, SpeedSession]:
    """The event and its speed session, read without a lock; only for its organizers."""
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event.")
    if not event.is_organized_by(actor):
        raise NotAllowed("Only this event's organizers can run its speed mentoring.")
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == event_id))
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    return event, speed


def _check_open(session: Session, event: Event, speed: SpeedSession, now: datetime) -> None:
    if event.is_cancelled:
        _refuse(session, DomainError(CANCELLED))
    if speed.has_ended(now):
        _refuse(session, DomainError(ENDED))


def draft(session: Session, event: Event, speed: SpeedSession, shape: Settings, now: datetime) -> Draft:
    """The rounds after the one under way planned from the people present, with
    `shape`'s rounds and tables; reads only. DomainError when there is nothing to plan."""
    _check_open(session, event, speed, now)
    first = speed.current_round + 1
    if first > shape.rounds:
        _refuse(session, DomainError(f"All {shape.rounds} rounds have started: there is nothing left to plan."))
    people = present(session, event.id)
    if not people.seniors:
        _refuse(session, DomainError(NO_SENIORS))
    if not people.interns:
        _refuse(session, DomainError(NO_INTERNS))
    pairs = pairing.pair_all(people.interns, people.seniors, people.interest_names)
    scores = {key: p.score for key, p in pairs.items()}
    held = [
        planner.Seat(s.round, s.table_no, s.senior_id, s.intern_id)
        for s in session.scalars(sa.select(SpeedSeat).where(SpeedSeat.session_id == speed.id, SpeedSeat.round < first))
    ]
    interns, seniors = [p.user_id for p in people.interns], [p.user_id for p in people.seniors]
    room = {"rounds": shape.rounds, "tables": shape.tables, "seats_per_table": shape.seats_per_table}
    try:
        seats = [
            s for s in planner.plan(interns, seniors, scores, held=held, first_round=first, **room) if s.round >= first
        ]
        quality = planner.quality([*held, *seats], interns, seniors, scores, **room, held=held, first_round=first)
    except planner.PlanError as exc:
        _refuse(session, DomainError(str(exc)))
    rows = tuple(
        SpeedSeat(
            session_id=speed.id,
            round=s.round,
            table_no=s.table,
            senior_id=s.senior_id,
            intern_id=s.intern_id,
            score=pairs[s.intern_id, s.senior_id].score,
            reason=pairs[s.intern_id, s.senior_id].reason,
        )
        for s in seats
    )
    notes = seating_notes(interns=len(interns), seniors=len(seniors), rounds=shape.rounds, **_room(shape))
    return Draft(first, rows, people.from_check_in, quality, notes)


def _room(shape) -> dict:
    return {"tables": shape.tables, "seats_per_table": shape.seats_per_table}


def write(session: Session, speed: SpeedSession, made: Draft, now: datetime) -> Planned:
    """Store a draft in the transaction under way (the caller holds the lock and commits)."""
    session.execute(sa.delete(SpeedSeat).where(SpeedSeat.session_id == speed.id, SpeedSeat.round >= made.first))
    session.add_all(made.seats)
    speed.planned_at, speed.planned_from_check_in = now, made.from_check_in
    speed.quality_total, speed.quality_greedy = made.quality.total, made.quality.greedy_total
    speed.quality_top_two, speed.quality_from_round = made.quality.top_two_share, made.first
    return Planned(len(made.seats), made.first, made.notes)


def plan_evening(session: Session, actor: User, event_id: int, seen: int | None, now: datetime) -> Planned:
    """Plan (or re-plan) every round after the one under way, from the
    people present, and store the seats with their scores and reasons."""
    event, speed = _read_evening(session, actor, event_id)
    if speed.version != seen:
        _refuse(session, Stale(STALE_PLAN))
    made = draft(session, event, speed, speed_settings(speed), now)
    event, speed = locked_evening(session, actor, event_id)
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    _check_open(session, event, speed, now)
    # The version covers the settings and the rounds started: unchanged, the
    # draft still fits them. Someone checked in (or marked as gone) since it
    # was read a moment ago is not in it: the next re-plan takes them in.
    claim(session, speed, seen, STALE_PLAN, now)
    planned = write(session, speed, made, now)
    session.commit()
    return planned


def speed_settings(speed: SpeedSession) -> Settings:
    return Settings(speed.rounds, speed.round_minutes, speed.break_minutes, speed.tables, speed.seats_per_table)


@dataclass(frozen=True)
class SettingsSaved:
    replanned: Planned | None  # the rounds to come, re-planned with the new settings
    not_replanned: str = ""  # why not, when the evening was planned


def change_settings(
    session: Session, actor: User, event_id: int, values: Settings, seen: int | None, now: datetime
) -> SettingsSaved:
    """Save the settings; on a planned evening, re-plan the rounds to come with
    them in the same transaction (held rounds and the one under way stay), so
    that new rounds are planned and fewer tables or seats apply at once."""
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == event_id))
    made, why = None, ""
    if speed is not None and speed.planned_at is not None and speed.version == seen:
        try:
            made = draft(session, speed.event, speed, values, now)
        except DomainError as exc:
            why = str(exc)
    replanned: list[Planned] = []

    def then(locked: SpeedSession) -> None:
        if made is not None:
            replanned.append(write(session, locked, made, now))

    save_settings(session, actor, event_id, values, seen, now, then=then)
    return SettingsSaved(replanned[0] if replanned else None, why)


def start_next_round(
    session: Session, actor: User, event_id: int, seen: int | None, now: datetime, asked: int | None = None
) -> SpeedSession:
    """The next round begins now: the projector's clock starts, and from then
    on this round is never re-planned. Round 1 not earlier than an hour
    before the event. `asked`, the round the page offered to start: if the
    evening is exactly one start past the page and at that round, the click
    was a second one (AlreadyUnderWay)."""
    event, speed = locked_evening(session, actor, event_id)
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    _check_open(session, event, speed, now)
    if asked is not None and seen is not None and (speed.version, speed.current_round) == (seen + 1, asked):
        _refuse(session, AlreadyUnderWay(f"Round {asked} is under way."))
    if speed.planned_at is None:
        _refuse(session, DomainError("Plan the evening before starting its first round."))
    if speed.current_round >= speed.rounds:
        _refuse(session, DomainError(f"All {speed.rounds} rounds have started: the evening's rounds are over."))
    earliest = event.starts_at - EARLIEST_START
    if speed.current_round == 0 and now < earliest:
        at = earliest.astimezone(ZoneInfo(event.timezone)).strftime("%H:%M")
        _refuse(session, DomainError(f"Rounds can be started from {at}, an hour before the evening."))
    claim(session, speed, seen, STALE_ROUND, now)
    speed.previous_round_started_at = speed.round_started_at
    speed.current_round += 1
    speed.round_started_at = now
    session.commit()
    return speed


def can_undo_start(speed: SpeedSession) -> bool:
    """The last start can be undone once: the round before's start is kept for it."""
    return speed.current_round == 1 or (speed.current_round > 1 and speed.previous_round_started_at is not None)


def undo_start(session: Session, actor: User, event_id: int, seen: int | None, now: datetime) -> int:
    """The round under way was started by mistake: the evening is back where it
    stood before (the round before under way since its own start, or nothing
    started). Returns the round undone."""
    event, speed = locked_evening(session, actor, event_id)
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    _check_open(session, event, speed, now)
    if speed.current_round == 0:
        _refuse(session, DomainError("No round has started: there is nothing to undo."))
    if not can_undo_start(speed):
        _refuse(session, DomainError(f"Only the last start can be undone: round {speed.current_round} stays."))
    claim(session, speed, seen, STALE_ROUND, now)
    undone = speed.current_round
    speed.current_round -= 1
    speed.round_started_at = speed.previous_round_started_at if speed.current_round else None
    speed.previous_round_started_at = None
    session.commit()
    return undone
