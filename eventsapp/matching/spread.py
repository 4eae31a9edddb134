"""Spreading the top of a ranked list over several specialties, for an
intern still exploring them. Pure: no Flask, no database. The rule is
written down in docs/features.md (People to meet)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")

#: The first places of the list that are spread out.
TOP_PLACES = 5
#: How many of those places one specialty may take while others are available.
PER_SPECIALTY = 2


def spread(ranked: list[T], specialty_of: Callable[[T], Hashable | None]) -> list[T]:
    """The same list, best first, except that each of the first TOP_PLACES
    goes to the best one left whose specialty holds fewer than
    PER_SPECIALTY of them; only when everyone left is of such a specialty,
    to the best one left. Someone whose specialty is unknown (None) is
    never held back. Stable: the rest keep their order."""
    rest, top, taken = list(ranked), [], Counter()
    while rest and len(top) < TOP_PLACES:
        pick = next((n for n, item in enumerate(rest) if _room(specialty_of(item), taken)), 0)
        chosen = rest.pop(pick)
        top.append(chosen)
        if specialty_of(chosen) is not None:
            taken[specialty_of(chosen)] += 1
    return top + rest


def _room(specialty: Hashable | None, taken: Counter) -> bool:
    return specialty is None or taken[specialty] < PER_SPECIALTY
