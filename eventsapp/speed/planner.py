"""The speed-mentoring plan: who sits at which senior's table in each round. Pure:
no Flask, no database (docs/speed-mentoring.md, "The planner").

Each round is one assignment problem, solved exactly with
`scipy.optimize.linear_sum_assignment`: rows are the interns present, columns the
seats of the hosting seniors' tables (seat 0, 1, ... of each), and a cell's weight
adds five bonuses whose units are each larger than anything the smaller ones can
add up to over a whole round, so that the solver settles the rules in order:

1. SEAT for every intern seated: as many sit as the no-repeat rule allows. A pair
   that has met weighs 0 and, when the solver still uses it, is dropped.
2. EVEN x (seats_per_table - k) for seat k of a table: each further intern at one
   table adds less than the last, so loads even out (within one where allowed).
3. SCARCE x the host's urgency, for each seat of their table: the fuller tables of an
   even spread go to the seniors with the most interns still to meet for the seats
   their remaining rounds hold. This is the look-ahead: a senior left with a free seat
   round after round would, in the last rounds, have more interns to meet than seats.
4. FAIR x (rounds sat out so far): who sat out most sits first, so sitting out rotates.
5. The pair's score over the best score (0..1): everyone meets their best matches.

Units (m = the most interns a round can seat, c = the most one table holds while loads
stay even): FAIR = m + 1 > m x 1; SCARCE = (m x most rounds sat out + 1) x FAIR;
EVEN = (m x 2c + 1) x SCARCE; SEAT = (m x seats_per_table + 1) x EVEN, rounds sat out
counted above the fewest anyone sat out. With 300 interns and 3 seats a table over
8 rounds a cell stays under 1.2e12: the score still counts in steps of 1/4000 of the best.

Who hosts comes first: the seniors who hosted fewest rounds (by_hosting_turn). When
that leaves an intern idle who could sit with a senior waiting their turn, one host
at a time is swapped for such a senior while that seats more (seating outranks the
turn). Each round is planned given the ones before it; the urgency is what it knows
of the rounds after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from eventsapp.speed.greedy import greedy_plan
from eventsapp.speed.quality import Quality, quality
from eventsapp.speed.rounds import PlanError, Seat, Session

__all__ = ["PlanError", "Quality", "Seat", "greedy_plan", "plan", "quality"]


def plan(
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
    """The seats of rounds first_round..rounds (sorted), after the held ones; no seniors, no seats."""
    session = Session.start(
        interns, seniors, scores, rounds=rounds, tables=tables, seats_per_table=seats_per_table,
        held=held, first_round=first_round,
    )  # fmt: skip
    rounds_ahead = _Rounds(session, scores, rounds)
    planned: list[Seat] = []
    for number in range(first_round, rounds + 1):
        seats = rounds_ahead.plan_round(number)
        session.record(seats)
        planned.extend(seats)
    return sorted(planned)


class _Rounds:
    """The session's interns x seniors as arrays: normalised scores, and pairs that met."""

    def __init__(self, session: Session, scores: Mapping[tuple[int, int], float], rounds: int):
        self.session, self.rounds = session, rounds
        self.column = {senior: index for index, senior in enumerate(session.seniors)}
        raw = np.array([[scores.get((i, s), 0.0) for s in session.seniors] for i in session.interns], dtype=float)
        raw = raw.reshape(len(session.interns), len(session.seniors))
        self.scores = raw / raw.max() if raw.size and raw.max() > 0 else raw

    def plan_round(self, number: int) -> list[Seat]:
        """This round's seats: hosts by turn, swapped while that seats more; then the assignment."""
        session = self.session
        if not session.interns or not session.seniors:
            return []
        turn = session.by_hosting_turn()
        hosts, waiting = turn[: session.tables], turn[session.tables :]
        met = np.array([[(i, s) in session.met for s in session.seniors] for i in session.interns], dtype=bool)
        met = met.reshape(len(session.interns), len(session.seniors))
        pairs = self.assign(hosts, met, number)
        while waiting and len(pairs) < min(len(session.interns), len(hosts) * session.seats_per_table):
            swapped = self.more_seated(hosts, waiting, met, pairs, number)
            if swapped is None:
                break
            hosts, waiting, pairs = swapped
        table = session.tables_for(hosts)
        return [Seat(number, table[senior], senior, intern) for intern, senior in pairs]

    def assign(self, hosts: Sequence[int], met: np.ndarray, number: int) -> list[tuple[int, int]]:
        """The best (intern, senior) pairs at these hosts' tables, by the weights above."""
        session, per_table = self.session, self.session.seats_per_table
        columns = np.repeat([self.column[s] for s in hosts], per_table)
        seat = np.tile(np.arange(per_table), len(hosts))
        sat_out = np.array([session.sat_out(i) for i in session.interns], dtype=float)
        sat_out -= sat_out.min()  # only the differences count; keeps the units small late in the evening
        urgency, most_urgent = self.urgency(hosts, met, number)
        most = min(len(session.interns), len(columns))
        fair = most + 1.0
        scarce = (most * sat_out.max() + 1.0) * fair
        even = (most * most_urgent + 1.0) * scarce
        seated = (most * per_table + 1.0) * even
        bonus = even * (per_table - seat) + scarce * np.repeat(urgency, per_table)
        weight = seated + bonus[None, :] + fair * sat_out[:, None] + self.scores[:, columns]
        allowed = ~met[:, columns]
        rows, cols = linear_sum_assignment(np.where(allowed, weight, 0.0), maximize=True)
        return [
            (session.interns[r], session.seniors[columns[c]]) for r, c in zip(rows, cols, strict=True) if allowed[r, c]
        ]

    def urgency(self, hosts: Sequence[int], met: np.ndarray, number: int) -> tuple[np.ndarray, int]:
        """(each host's urgency, the most it can be). Need: how many interns present who have not
        met the host must meet them this round, as the rounds after it seat at most `cap` each
        (the table's seats, or fewer when the interns spread evenly fill less); urgency is need
        + cap, within 0..2 x cap: above cap, someone meets them now or never. An intern with
        more seniors still to meet than rounds left counts for the share they have rounds for."""
        session = self.session
        cap = min(session.seats_per_table, -(-len(session.interns) // len(hosts)))
        rounds_left = self.rounds - number + 1
        share = np.minimum(1.0, rounds_left / np.maximum(1, (~met).sum(axis=1)))
        demand = (share[:, None] * ~met).sum(axis=0)[[self.column[s] for s in hosts]]
        need = np.rint(demand) - cap * (rounds_left - 1)
        return np.clip(need + cap, 0, 2 * cap), 2 * cap

    def more_seated(
        self, hosts: list[int], waiting: list[int], met: np.ndarray, pairs: list[tuple[int, int]], number: int
    ) -> tuple[list[int], list[int], list[tuple[int, int]]] | None:
        """(hosts, waiting, pairs) with one host swapped for a waiting senior whom an idle intern
        has not met, the first swap (by turn) that seats more; None when no swap does."""
        turn = {senior: place for place, senior in enumerate(self.session.by_hosting_turn())}.__getitem__
        sitting = {intern for intern, _ in pairs}
        idle = [k for k, intern in enumerate(self.session.interns) if intern not in sitting]
        for newcomer in waiting:
            if met[idle, self.column[newcomer]].all():
                continue
            for leaving in reversed(hosts):
                trial = sorted([s for s in hosts if s != leaving] + [newcomer], key=turn)
                trial_pairs = self.assign(trial, met, number)
                if len(trial_pairs) > len(pairs):
                    rest = sorted([s for s in waiting if s != newcomer] + [leaving], key=turn)
                    return trial, rest, trial_pairs
        return None
