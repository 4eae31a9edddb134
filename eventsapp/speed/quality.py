"""How good a speed-mentoring plan is, beside the greedy baseline on the same input:
the figures the benchmark prints and an organizer may be shown. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import maximum_bipartite_matching

from eventsapp.speed.greedy import greedy_plan
from eventsapp.speed.rounds import Seat


@dataclass(frozen=True)
class Quality:
    total: float  # sum of pair scores of the plan's seats
    greedy_total: float  # the same for greedy_plan on the same input, from the same held rounds
    top_two_share: float  # share (0..1) of the interns present who meet at least two of their top three seniors
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
    held: Sequence[Seat] = (),
    first_round: int = 1,
) -> Quality:
    """The figures of a whole session's seats (held ones included), with these people present
    throughout. The greedy plan starts from the same held rounds and plans the same rounds
    (first_round on), so that the two totals differ only by how those rounds were planned."""
    room = {"rounds": rounds, "tables": tables, "seats_per_table": seats_per_table}
    greedy = [*held, *greedy_plan(interns, seniors, scores, **room, held=held, first_round=first_round)]
    planned = {seat.intern_id for seat in seats}
    return Quality(
        total=_total(seats, scores),
        greedy_total=_total(greedy, scores),
        top_two_share=_top_two_share(seats, set(interns), seniors, scores),
        interns_planned=len(planned),
        seats=len(seats),
        idle_seats=_idle_seats(seats, interns, seniors, rounds=rounds, tables=tables, seats_per_table=seats_per_table),
    )


def _total(seats: Sequence[Seat], scores: Mapping[tuple[int, int], float]) -> float:
    return float(sum(scores.get((seat.intern_id, seat.senior_id), 0.0) for seat in seats))


def _top_two_share(seats, interns, seniors, scores) -> float:
    """Of all the interns present (one never seated counts, as a miss), the share who meet at
    least two of their top three: the present seniors with their three best scores, ties
    included (a senior as good as the third best is as much a top match); one with fewer
    than two seniors present counts when they meet all of them."""
    met = {(seat.intern_id, seat.senior_id) for seat in seats}
    hits = 0
    for intern in interns:
        ranked = sorted((scores.get((intern, s), 0.0) for s in seniors), reverse=True)
        top = [s for s in seniors if ranked and scores.get((intern, s), 0.0) >= ranked[min(2, len(ranked) - 1)]]
        hits += sum((intern, s) in met for s in top) >= min(2, len(ranked))
    return hits / len(interns) if interns else 0.0


def _idle_seats(seats, interns, seniors, *, rounds, tables, seats_per_table) -> int:
    """Per round, how many more interns could have sat than did: a maximum matching of the
    interns present to the seats of that round's hosts (and of every present senior when a
    table stood empty), without a pair that met in an earlier round."""
    by_round: dict[int, list[Seat]] = defaultdict(list)
    for seat in seats:
        by_round[seat.round].append(seat)
    met: set[tuple[int, int]] = set()
    people = sorted(set(interns))
    idle = 0
    for number in range(1, rounds + 1):
        hosts = {seat.senior_id for seat in by_round[number]}
        open_to = sorted(hosts | set(seniors)) if len(hosts) < tables else sorted(hosts)
        idle += max(0, _most_seatable(people, open_to, met, seats_per_table) - len(by_round[number]))
        met.update((seat.intern_id, seat.senior_id) for seat in by_round[number])
    return idle


def _most_seatable(interns, seniors, met, seats_per_table) -> int:
    """The most interns who can sit at these seniors' tables, each with a senior not met yet."""
    if not interns or not seniors:
        return 0
    allowed = np.array([[(i, s) not in met for s in seniors] for i in interns], dtype=np.int8)
    graph = csr_array(np.repeat(allowed.reshape(len(interns), len(seniors)), seats_per_table, axis=1))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum())
