"""The plan a person would make by hand, as the planner's baseline: round by round,
interns in id order each take their best-scoring host with a free seat whom they
have not met. Same hosts and tables as the planner's first choice. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eventsapp.speed.rounds import Seat, Session


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
    """The seats of rounds first_round..rounds (sorted), first come first served by id."""
    session = Session.start(
        interns, seniors, scores, rounds=rounds, tables=tables, seats_per_table=seats_per_table,
        held=held, first_round=first_round,
    )  # fmt: skip
    planned: list[Seat] = []
    for number in range(first_round, rounds + 1):
        hosts = session.by_hosting_turn()[:tables]
        table = session.tables_for(hosts)
        free = dict.fromkeys(hosts, seats_per_table)
        seats = []
        for intern in session.interns:
            open_seats = [s for s in hosts if free[s] and (intern, s) not in session.met]
            if open_seats:
                senior = min(open_seats, key=lambda s: (-scores.get((intern, s), 0.0), s))
                free[senior] -= 1
                seats.append(Seat(number, table[senior], senior, intern))
        session.record(seats)
        planned.extend(seats)
    return sorted(planned)
