"""The app as the concurrency proof's control run serves it
(`gunicorn 'tests.race_app:create_race_app()'`): the answers' locking is
replaced by plain reads, and every answer is held between reading the count
of people going and writing because of it, at a barrier the test holds (a
Unix socket named by RACE_BARRIER), until every contender has read. All then
see the same count, so the control run oversells by a known amount on any
machine, however busy: never by luck. Nothing here is part of the app."""

from __future__ import annotations

import os
import socket

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload, scoped_session

#: A safety net only: a request held longer than this fails (500), so a
#: barrier that never opens shows as an error, never as a count.
BARRIER_TIMEOUT_S = 30


class RaceBarrierBroken(RuntimeError):
    """The barrier let a request go without every contender having read."""


def wait_at_barrier(path: str) -> None:
    """Wait at the barrier at `path` until the test lets every contender go."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as barrier:
        barrier.settimeout(BARRIER_TIMEOUT_S)
        try:
            barrier.connect(path)
            go = barrier.recv(1)
        except OSError as error:
            raise RaceBarrierBroken(f"The race barrier at {path} failed: {error}") from error
    if go != b"1":
        raise RaceBarrierBroken(f"The race barrier at {path} closed before every contender had read.")


def begin_without_lock(session: Session) -> None:
    """begin_write() without BEGIN IMMEDIATE or a lock timeout."""
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        session.rollback()
    session.connection()


def event_without_lock(session: Session, event_id: int):
    """lock_event() without the row lock."""
    from eventsapp.events.models import Event

    return session.scalar(
        sa.select(Event).where(Event.id == event_id).options(lazyload("*")).execution_options(populate_existing=True)
    )


def held_after_counting(count, path: str):
    """`count` (going_count), then wait at the barrier before the caller writes."""

    def going_count(session: Session, event_id: int) -> int:
        going = count(session, event_id)
        wait_at_barrier(path)
        return going

    return going_count


def remove_locks_and_hold(path: str) -> None:
    """In this process, answers run unlocked and wait at the barrier at `path`."""
    from eventsapp.rsvps import services

    services.begin_write = begin_without_lock
    services.lock_event = event_without_lock
    services.going_count = held_after_counting(services.going_count, path)


def create_race_app():
    from eventsapp import create_app

    app = create_app()
    remove_locks_and_hold(os.environ["RACE_BARRIER"])
    return app
