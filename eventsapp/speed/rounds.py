"""What a speed-mentoring session's rounds so far leave behind, and the rules the
planner and its greedy baseline share: who hosts the next round, and at which
table. Pure: no Flask, no database (docs/speed-mentoring.md)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Seat:
    """One intern at one senior's table in one round (rounds and tables count from 1)."""

    round: int
    table: int
    senior_id: int
    intern_id: int


class PlanError(ValueError):
    """Input no plan can be made of, said in a sentence a person can read."""


@dataclass
class Session:
    """The people present now and what the seats so far tell: pairs that have met,
    rounds each senior hosted, rounds each intern sat, the table each senior had last."""

    interns: list[int]
    seniors: list[int]
    tables: int
    seats_per_table: int
    rounds_done: int
    met: set[tuple[int, int]] = field(default_factory=set)
    hosted: Counter[int] = field(default_factory=Counter)
    seated: Counter[int] = field(default_factory=Counter)
    last_table: dict[int, tuple[int, int]] = field(default_factory=dict)  # senior: (round, table)

    @classmethod
    def start(
        cls,
        interns: Iterable[int],
        seniors: Iterable[int],
        scores: Mapping[tuple[int, int], float],
        *,
        rounds: int,
        tables: int,
        seats_per_table: int,
        held: Sequence[Seat],
        first_round: int,
    ) -> Session:
        """The session as the held rounds leave it; PlanError for input no plan can be made of."""
        people = cls(sorted(set(interns)), sorted(set(seniors)), tables, seats_per_table, rounds_done=0)
        _check(people, scores, rounds=rounds, held=held, first_round=first_round)
        for number in range(1, first_round):
            people.record([seat for seat in held if seat.round == number])
        return people

    def record(self, seats: Sequence[Seat]) -> None:
        """One more round is over, with these seats (all of the same round)."""
        self.rounds_done += 1
        for seat in seats:
            self.met.add((seat.intern_id, seat.senior_id))
            self.last_table[seat.senior_id] = (seat.round, seat.table)
        self.seated.update({seat.intern_id for seat in seats})
        self.hosted.update({seat.senior_id for seat in seats})

    def sat_out(self, intern: int) -> int:
        """Rounds so far without a seat (a late arrival's missed rounds count: they have met fewer)."""
        return self.rounds_done - self.seated[intern]

    def by_hosting_turn(self) -> list[int]:
        """Present seniors, who hosted fewest rounds first (ties: by id): the first `tables` host."""
        return sorted(self.seniors, key=lambda senior: (self.hosted[senior], senior))

    def tables_for(self, hosts: Iterable[int]) -> dict[int, int]:
        """Each host's table: the one they had last when it is free (the latest holder keeps a
        disputed one); the others take the lowest free table no present senior calls theirs."""
        chosen: dict[int, int] = {}
        returning = sorted((s for s in hosts if s in self.last_table), key=lambda s: (-self.last_table[s][0], s))
        for senior in returning:
            table = self.last_table[senior][1]
            if table <= self.tables and table not in chosen.values():
                chosen[senior] = table
        homes = {self.last_table[s][1] for s in self.seniors if s in self.last_table}
        free = sorted(set(range(1, self.tables + 1)) - set(chosen.values()), key=lambda t: (t in homes, t))
        for senior, table in zip(sorted(set(hosts) - set(chosen)), free, strict=False):
            chosen[senior] = table
        return chosen


def _check(
    people: Session, scores: Mapping[tuple[int, int], float], *, rounds: int, held: Sequence[Seat], first_round: int
) -> None:
    if rounds < 1:
        raise PlanError("A session needs at least one round.")
    if people.tables < 1:
        raise PlanError("A session needs at least one table.")
    if people.seats_per_table < 1:
        raise PlanError("Each table needs at least one seat.")
    if first_round < 1:
        raise PlanError("Rounds are numbered from 1: the first round to plan cannot be before round 1.")
    both = set(people.interns) & set(people.seniors)
    if both:
        raise PlanError(f"Person {min(both)} cannot sit as an intern and host as a senior at once.")
    for seat in held:
        if not 1 <= seat.round < first_round:
            raise PlanError(
                f"A held seat is in round {seat.round}, but only rounds 1 to {first_round - 1} "
                f"are held when planning from round {first_round}."
            )
    for (intern, senior), score in scores.items():
        if not (score >= 0 and math.isfinite(score)):
            raise PlanError(f"The score of intern {intern} with senior {senior} must be a number from 0, not {score}.")
