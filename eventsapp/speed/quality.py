"""How good a speed-mentoring plan is, beside the greedy baseline on the same input:
the figures the benchmark prints and an organizer may be shown. Pure."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from eventsapp.speed.greedy import greedy_plan
from eventsapp.speed.rounds import Seat


@dataclass(frozen=True)
class Quality:
    total: float  # sum of pair scores of the plan's seats
    greedy_total: float  # the same for greedy_plan on the same input
    top_two_share: float  # share (0..1) of planned interns who meet at least two of their top three seniors
    interns_planned: int
    seats: int
    idle_seats: int  # (intern, round) pairs where an intern who could have sat sits out


def quality(
    seats: Sequence[Seat],
    interns: Sequence[int],
    seniors: Sequence[int],
    scores: Mapping[tuple[int, int], float],
    *,
    rounds: int,
    tables: int,
    seats_per_table: int,
) -> Quality:
    """The figures of a whole session's seats (held ones included), with these people present
    throughout; the greedy plan is made for the same session from round 1."""
    greedy = greedy_plan(interns, seniors, scores, rounds=rounds, tables=tables, seats_per_table=seats_per_table)
    planned = {seat.intern_id for seat in seats}
    return Quality(
        total=_total(seats, scores),
        greedy_total=_total(greedy, scores),
        top_two_share=_top_two_share(seats, planned, seniors, scores),
        interns_planned=len(planned),
        seats=len(seats),
        idle_seats=_idle_seats(seats, interns, seniors, rounds=rounds, tables=tables, seats_per_table=seats_per_table),
    )


def _total(seats: Sequence[Seat], scores: Mapping[tuple[int, int], float]) -> float:
    return float(sum(scores.get((seat.intern_id, seat.senior_id), 0.0) for seat in seats))


def _top_two_share(seats, planned, seniors, scores) -> float:
    """An intern's top three: the present seniors with the best scores for them (ties: by id);
    one with fewer than two seniors counts when they meet all of them."""
    met = {(seat.intern_id, seat.senior_id) for seat in seats}
    hits = 0
    for intern in planned:
        top = sorted(seniors, key=lambda s: (-scores.get((intern, s), 0.0), s))[:3]
        hits += sum((intern, s) in met for s in top) >= min(2, len(top))
    return hits / len(planned) if planned else 0.0


def _idle_seats(seats, interns, seniors, *, rounds, tables, seats_per_table) -> int:
    """Interns without a seat in a round though a senior they had not met yet had a free seat
    at their table then, or was present and not hosting while a table stood empty."""
    by_round: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_round[seat.round].append(seat)
    met: set[tuple[int, int]] = set()
    idle = 0
    for number in range(1, rounds + 1):
        load = Counter(seat.senior_id for seat in by_round[number])
        sitting = {seat.intern_id for seat in by_round[number]}
        table_free = len(load) < tables
        open_to = [s for s in set(seniors) | set(load) if load[s] < seats_per_table and (s in load or table_free)]
        for intern in set(interns) - sitting:
            idle += any((intern, senior) not in met for senior in open_to)
        met.update((seat.intern_id, seat.senior_id) for seat in by_round[number])
    return idle
