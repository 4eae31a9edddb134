"""The program pages' figures, kept for a few minutes per server process.

Each page counts the whole hospital (or whole departments) on every request:
at 20,000 people that is tens of milliseconds of aggregates. Coordinators
read figures a few minutes old as readily as fresh ones, so long as the
page says when they were counted: a page's figures are kept under the page,
the viewer's scope and the page's parameters for PROGRAM_CACHE_SECONDS
(0: counted on every request), with the moment they were counted. The
downloads always count afresh, and a change made from the program pages
(a nudge, a requirement) forgets what was kept (docs/program.md). Pure:
no Flask, no database; the caller passes the settings and the clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")

#: Kept entries at most (pages x scopes x parameters); the oldest go first.
KEPT_MOST = 500


@dataclass(frozen=True)
class Kept(Generic[T]):
    """Figures and the moment they were counted."""

    value: T
    as_of: datetime


_lock = threading.Lock()
_kept: dict[Hashable, tuple[datetime, Kept]] = {}  # key -> (until when, figures)


def kept(key: Hashable, *, seconds: float, now: datetime, count: Callable[[], T]) -> Kept[T]:
    """count()'s figures, as kept under `key` if counted less than
    `seconds` ago, else counted now (and kept). Two requests that miss at
    once both count; the later one's figures are kept."""
    if seconds <= 0:
        return Kept(count(), now)
    with _lock:
        found = _kept.get(key)
    if found is not None and now < found[0]:
        return found[1]
    made = Kept(count(), now)
    with _lock:
        for old in [k for k, (until, _) in _kept.items() if until <= now]:
            del _kept[old]
        while len(_kept) >= KEPT_MOST:
            del _kept[min(_kept, key=lambda k: _kept[k][0])]
        _kept[key] = (now + timedelta(seconds=seconds), made)
    return made


def forget(scope: Hashable | None = None) -> None:
    """Forget what was kept for keys holding this scope (None: everything)."""
    with _lock:
        for key in [k for k in _kept if scope is None or (isinstance(k, tuple) and scope in k)]:
            del _kept[key]
