"""Narrowing the candidates before they are put together in full: from
counts alone, with the ranking's own score, only those who can still be
among the best are loaded and explained."""

from __future__ import annotations

import heapq

from eventsapp.matching import scoring
from eventsapp.matching.together import Together
from eventsapp.profiles.help_kinds import to_bits
from eventsapp.text import sort_key

#: Scores computed in SQL and in Python, or rounded at different steps,
#: may differ in the last digits.
_SLACK = 1e-5


def within_reach(together: Together, keep: int) -> set[int]:
    """Of the colleagues met at the viewer's events and those on the
    shared-interest short list (all of whom may be suggested), those who
    could still be among the best `keep`: each one's score without the
    room-left bonus (their interest points hold the help they offer) is a
    floor, with the largest bonus a ceiling; whoever's ceiling is below the
    keep-th best floor cannot make it. The rest (hundreds, for a busy
    intern) are never loaded."""
    floors, parts = {}, {}
    going_with, happy_at, attended_with = together.going, together.approachable, together.attended
    points, nothing = together.interest_points, ()
    for user_id in together.people:
        going = going_with.get(user_id, nothing)
        happy = happy_at.get(user_id)
        counts = (
            len(going),
            sum(1 for e in going if e in happy) if happy else 0,
            len(attended_with.get(user_id, nothing)),
        )
        # The score adds its parts: the events' part is worked out once
        # for each combination of counts (a few dozen for hundreds of people).
        part = parts.get(counts)
        if part is None:
            part = parts[counts] = scoring.score(0.0, *counts, 0, 0)
        floors[user_id] = points.get(user_id, 0.0) + part
    for user_id in together.listed - floors.keys():  # no events together: interests alone
        floors[user_id] = points.get(user_id, 0.0)
    if len(floors) <= keep:
        return set(floors)
    bar = sorted(floors.values(), reverse=True)[keep - 1] - scoring.AVAILABILITY_WEIGHT - _SLACK
    return {u for u, floor in floors.items() if floor >= bar}


def preselect(
    rows: dict,
    shared: dict[int, set[int]],
    together: Together,
    weights: dict[int, float],
    keep: int,
    *,
    asks: frozenset[str] = frozenset(),
    require_reason: bool,
) -> dict:
    """The `keep` best candidates by the ranking's own score and order
    (scoring.score; then name, then id), from counts alone: only they are
    put together in full, with their events and reasons. Hundreds of
    colleagues can share an event with a busy intern. `asks`: the kinds of
    help the viewer looks for."""
    best, score, nothing = [], scoring.score, ()
    wanted = to_bits(asks)
    going_with, attended_with, happy_at = together.going, together.attended, together.approachable
    for user_id, row in rows.items():
        mine = shared.get(user_id, nothing)
        going = going_with.get(user_id, nothing)
        attended = attended_with.get(user_id, nothing)
        if require_reason and not scoring.has_reason(mine, going, attended):
            continue
        happy = happy_at.get(user_id)
        total = score(
            sum(weights[i] for i in mine) if mine else 0.0,
            len(going),
            sum(1 for e in going if e in happy) if happy else 0,
            len(attended),
            row.intro_capacity,
            row.connections,
            (row.help_offered & wanted).bit_count() if row.show_interests else 0,
        )
        best.append((-total, sort_key(row.name), user_id))
    return {user_id: rows[user_id] for _, _, user_id in heapq.nsmallest(keep, best)}
