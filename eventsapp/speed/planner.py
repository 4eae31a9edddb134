"""The speed-mentoring planner (interim: a greedy plan with the final
interface; the solver replaces it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Seat:
    round: int
    table: int
    senior_id: int
    intern_id: int


@dataclass(frozen=True)
class Quality:
    total: float
    greedy_total: float
    top_two_share: float
    interns_planned: int
    seats: int
    idle_seats: int


class PlanError(ValueError):
    pass


def plan(interns, seniors, scores, *, rounds, tables, seats_per_table, held=(), first_round=1) -> list[Seat]:
    return greedy_plan(
        interns,
        seniors,
        scores,
        rounds=rounds,
        tables=tables,
        seats_per_table=seats_per_table,
        held=held,
        first_round=first_round,
    )


def greedy_plan(
    interns: Sequence[int],
    seniors: Sequence[int],
    scores: Mapping[tuple[int, int], float],
    *,
    rounds: int,
    tables: int,
    seats_per_table: int,
    held: Sequence[Seat] = (),
    first_round: int = 1,
) -> list[Seat]:
    if rounds < 1 or tables < 1 or seats_per_table < 1:
        raise PlanError("Rounds, tables and seats per table must each be at least 1.")
    met = {(s.intern_id, s.senior_id) for s in held}
    hosting = sorted(seniors)[:tables]
    table_of = {senior: n + 1 for n, senior in enumerate(hosting)}
    out = []
    for rnd in range(first_round, rounds + 1):
        load = dict.fromkeys(hosting, 0)
        for intern in sorted(interns):
            free = [s for s in hosting if load[s] < seats_per_table and (intern, s) not in met]
            if not free:
                continue
            best = max(free, key=lambda s: (scores.get((intern, s), 0.0), -s))
            load[best] += 1
            met.add((intern, best))
            out.append(Seat(rnd, table_of[best], best, intern))
    return out


def quality(seats, interns, seniors, scores, *, rounds, tables, seats_per_table) -> Quality:
    total = sum(scores.get((s.intern_id, s.senior_id), 0.0) for s in seats)
    return Quality(total, total, 0.0, len({s.intern_id for s in seats}), len(seats), 0)
