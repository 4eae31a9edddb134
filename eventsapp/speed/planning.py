"""Planning an evening's seats, re-planning the rounds still to come, and
starting the next round. Rounds held and the round under way are never
touched: a re-plan rewrites only the later ones, from the people present
now (a late arrival joins them, a senior who left is no longer at a table)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.speed import pairing, planner
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.speed.participants import Present, present
from eventsapp.speed.settings import Stale, claim, locked_evening

NO_SENIORS = "No senior colleague is present yet: check them in, or wait for one to say they are going."
NO_INTERNS = "No intern or student is present yet: check them in, or wait for one to say they are going."
STALE_PLAN = "Someone else re-planned this evening a moment ago; here is the current plan."
STALE_ROUND = "Someone else started a round a moment ago; here is where the evening stands."
CANCELLED = "This event was cancelled: its evening is not held."
NOT_SET_UP = "This event is not a speed-mentoring evening yet: save its settings first."
ENDED = "This event has ended: every round counts as held, so none is re-planned or started."


@dataclass(frozen=True)
class Planned:
    seats: int  # seats written
    first_round: int  # the first round (re)planned
    notes: tuple[str, ...] = ()  # what the organizer should know (empty seats)


def _rounds(first: int, last: int) -> str:
    return f"round {first}" if first == last else f"rounds {first}-{last}"


def shortfall_note(hosts: int, rounds: int) -> str:
    """More rounds than senior tables: each intern runs out of seniors to meet."""
    if rounds <= hosts:
        return ""
    people = "senior" if hosts == 1 else "seniors"
    return (
        f"With {hosts} {people}, each intern can meet at most {hosts}: "
        f"{_rounds(hosts + 1, rounds)} will have empty seats"
    )


def _refuse(session: Session, error: DomainError) -> NoReturn:
    """Nothing is saved: the lock goes with the transaction."""
    session.rollback()
    raise error


def _plannable(
    session: Session, actor: User, event_id: int, seen: int | None, now: datetime
) -> tuple[SpeedSession, int, Present]:
    """The evening (locked), the first round to plan, and who is present; or why not."""
    event, speed = locked_evening(session, actor, event_id)
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    if event.is_cancelled:
        _refuse(session, DomainError(CANCELLED))
    if speed.version != seen:
        _refuse(session, Stale(STALE_PLAN))
    if speed.rounds_held(now) > speed.current_round:
        _refuse(session, DomainError(ENDED))
    first = speed.current_round + 1
    if first > speed.rounds:
        _refuse(session, DomainError(f"All {speed.rounds} rounds have started: there is nothing left to plan."))
    people = present(session, event_id)
    if not people.seniors:
        _refuse(session, DomainError(NO_SENIORS))
    if not people.interns:
        _refuse(session, DomainError(NO_INTERNS))
    return speed, first, people


def plan_evening(session: Session, actor: User, event_id: int, seen: int | None, now: datetime) -> Planned:
    """Plan (or re-plan) every round after the one under way, from the
    people present, and store the seats with their scores and reasons."""
    speed, first, people = _plannable(session, actor, event_id, seen, now)
    pairs = pairing.pair_all(people.interns, people.seniors, people.interest_names)
    scores = {key: p.score for key, p in pairs.items()}
    held = [
        planner.Seat(s.round, s.table_no, s.senior_id, s.intern_id)
        for s in session.scalars(sa.select(SpeedSeat).where(SpeedSeat.session_id == speed.id, SpeedSeat.round < first))
    ]
    interns, seniors = [p.user_id for p in people.interns], [p.user_id for p in people.seniors]
    shape = {"rounds": speed.rounds, "tables": speed.tables, "seats_per_table": speed.seats_per_table}
    try:
        planned = planner.plan(interns, seniors, scores, held=held, first_round=first, **shape)
        seats = [s for s in planned if s.round >= first]
        quality = planner.quality([*held, *seats], interns, seniors, scores, **shape)
    except planner.PlanError as exc:
        _refuse(session, DomainError(str(exc)))
    claim(session, speed, seen, STALE_PLAN, now)
    session.execute(sa.delete(SpeedSeat).where(SpeedSeat.session_id == speed.id, SpeedSeat.round >= first))
    session.add_all(
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
    speed.planned_at, speed.planned_from_check_in = now, people.from_check_in
    speed.quality_total, speed.quality_greedy = quality.total, quality.greedy_total
    speed.quality_top_two = quality.top_two_share
    session.commit()
    note = shortfall_note(min(len(seniors), speed.tables), speed.rounds)
    return Planned(len(seats), first, (note,) if note else ())


def start_next_round(session: Session, actor: User, event_id: int, seen: int | None, now: datetime) -> SpeedSession:
    """The next round begins now: the projector's clock starts, and from then
    on this round is never re-planned."""
    event, speed = locked_evening(session, actor, event_id)
    if speed is None:
        _refuse(session, DomainError(NOT_SET_UP))
    if event.is_cancelled:
        _refuse(session, DomainError(CANCELLED))
    if speed.planned_at is None:
        _refuse(session, DomainError("Plan the evening before starting its first round."))
    if speed.rounds_held(now) > speed.current_round:
        _refuse(session, DomainError(ENDED))
    if speed.current_round >= speed.rounds:
        _refuse(session, DomainError(f"All {speed.rounds} rounds have started: the evening's rounds are over."))
    claim(session, speed, seen, STALE_ROUND, now)
    speed.current_round += 1
    speed.round_started_at = now
    session.commit()
    return speed
