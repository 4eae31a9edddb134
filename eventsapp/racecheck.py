"""The test-only switches with which the concurrency proof's control run
shows that, without the locking, answers at once would oversell an event.

- TEST_UNSAFE_NO_LOCKS turns the locking of eventsapp/transactions.py off.
- TEST_RACE_BARRIER, with locking off only, names a Unix socket at which
  the proof holds every request between reading the count of people going
  and writing because of it, until all of them have read: whichever worker
  process runs them, and however busy the machine, all see the same count,
  so the control run oversells by a known amount, never by luck.

Both are refused in production, and the barrier without the locking off
(config.py): a request held there under the locks would hold the event's
lock, and the others would wait for it. With the locking on, race_window()
only looks up that setting and returns.
"""
from __future__ import annotations

import socket

from flask import current_app, has_app_context

#: A safety net only: a request held longer than this fails (500), so a
#: barrier that never opens shows as an error, never as a count.
BARRIER_TIMEOUT_S = 30


class RaceBarrierBroken(RuntimeError):
    """The barrier let a request go without every contender having read."""


def unsafe_without_locks() -> bool:
    """Whether the locking is off (TEST_UNSAFE_NO_LOCKS)."""
    return has_app_context() and bool(current_app.config.get("TEST_UNSAFE_NO_LOCKS"))


def race_window() -> None:
    """Called between reading a count and writing because of it: with
    locking off and TEST_RACE_BARRIER set, wait there until the proof
    lets every contender go at once."""
    if not unsafe_without_locks():
        return
    path = current_app.config.get("TEST_RACE_BARRIER")
    if not path:
        return
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as barrier:
        barrier.settimeout(BARRIER_TIMEOUT_S)
        try:
            barrier.connect(path)
            go = barrier.recv(1)
        except OSError as error:
            raise RaceBarrierBroken(f"The race barrier at {path} failed: {error}") from error
    if go != b"1":
        raise RaceBarrierBroken(f"The race barrier at {path} closed before every contender had read.")
