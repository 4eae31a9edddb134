"""Telling an event's members of its change or cancellation, in two steps.

The organizer's request stores one `EventFanout` row per meeting (`store`),
in its own transaction, however many answered: a change that rolls back
leaves none, one that commits cannot lose its notices. The worker's
`expand_pending` turns each request's rows into every member's notice and
mail and deletes them in one transaction, so a batch is told exactly once,
by one worker, even across a crash. docs/background.md.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.events.links import EventLinks
from eventsapp.events.models import Event
from eventsapp.notifications import event_notices
from eventsapp.notifications.models import EventFanout, FanoutKind
from eventsapp.notifications.outbox import retry_delay
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

log = logging.getLogger(__name__)
#: A batch whose expansion failed this often (tried again 1, 2, 4 ... 60
#: minutes apart: about ten hours) is set aside: kept, with its error, and logged.
MAX_ATTEMPTS = 16
#: At most this many batches per worker round (one transaction each).
BATCHES_PER_ROUND = 50
_TIMES = ("starts_at", "ends_at")


def store(session: Session, kind: str, edits: list[tuple[Event, dict | None]], links: EventLinks) -> None:
    """One row per meeting in the caller's transaction; `edits`: each
    meeting with its fields (`event_notices.fields_of`) before a change,
    None for a cancellation."""
    batch, now = uuid.uuid4().hex, utcnow()
    session.add_all(
        EventFanout(
            batch=batch,
            position=position,
            event_id=event.id,
            kind=kind,
            before=_encode(before) if before is not None else None,
            after=_encode(event_notices.fields_of(event)) if kind == FanoutKind.CHANGED else None,
            links=dataclasses.asdict(links),
            created_at=now,
            next_attempt_at=now,
        )
        for position, (event, before) in enumerate(edits)
    )


def _encode(fields: dict) -> dict:
    return {name: value.isoformat() if name in _TIMES else value for name, value in fields.items()}


def _decode(fields: dict) -> dict:
    return {name: datetime.fromisoformat(value) if name in _TIMES else value for name, value in fields.items()}


def expand_pending(session: Session, now: datetime, *, batches: int = BATCHES_PER_ROUND) -> int:
    """Expand the oldest batches, each in its own transaction, until none
    is left (or `batches`); how many members were told."""
    told = 0
    for _ in range(batches):
        done = expand_next(session, now)
        if done is None:
            break
        told += done
    return told


def expand_next(session: Session, now: datetime) -> int | None:
    """Claim the oldest batch no other worker holds, tell its members, delete
    it, commit; how many were told, or None when there was none to claim."""
    waiting = EventFanout.position == 0, EventFanout.next_attempt_at <= now, EventFanout.attempts < MAX_ATTEMPTS
    if not session.scalar(sa.select(sa.exists().where(*waiting))):
        session.rollback()
        return None  # the usual round: one read, no write lock taken
    begin_write(session)
    head = session.execute(
        sa.select(EventFanout.id, EventFanout.batch)
        .where(*waiting)
        .order_by(EventFanout.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # PostgreSQL: another worker's batch is passed over
    ).first()
    if head is None:
        session.commit()
        return None
    try:
        told = _tell(session, head.batch, now)
    except Exception as exc:  # one bad batch never stops the others
        session.rollback()
        log.exception("Telling the members of batch %s failed", head.batch)
        _failed(session, head.id, exc, now)
        return 0
    session.execute(sa.delete(EventFanout).where(EventFanout.batch == head.batch))
    session.commit()
    return told


def _tell(session: Session, batch: str, now: datetime) -> int:
    """The members of the batch's meetings told, in a bounded number of
    queries: the rows, their events, the members and their answers, then
    one insert of the notices and one of the mails."""
    rows = list(
        session.scalars(sa.select(EventFanout).where(EventFanout.batch == batch).order_by(EventFanout.position))
    )
    ids = [row.event_id for row in rows if row.event_id is not None]  # (None: deleted since)
    events = {
        event.id: event
        for event in session.scalars(sa.select(Event).where(Event.id.in_(ids)).options(selectinload(Event.specialties)))
    }
    rows = [row for row in rows if row.event_id in events]
    if not rows:
        return 0
    head, meetings = rows[0], [events[row.event_id] for row in rows]
    if head.kind == FanoutKind.CHANGED:
        edits = [(events[row.event_id], _decode(row.before), _decode(row.after)) for row in rows]
        telling = event_notices.changed_telling(edits, head.created_at)
    else:
        telling = event_notices.cancelled_telling(meetings, head.created_at)
    return event_notices.tell_members(session, meetings, telling, EventLinks(**head.links), now)


def _failed(session: Session, head_id: int, exc: Exception, now: datetime) -> None:
    """Count the failure on the batch's head: it is tried again later (a
    deleted account or a lock timeout passes), given up after MAX_ATTEMPTS."""
    begin_write(session)
    attempts = session.scalar(sa.select(EventFanout.attempts).where(EventFanout.id == head_id)) + 1
    session.execute(
        sa.update(EventFanout)
        .where(EventFanout.id == head_id)
        .values(
            attempts=attempts,
            next_attempt_at=now + retry_delay(attempts),
            last_error=f"{type(exc).__name__}: {exc}"[:500],
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if attempts >= MAX_ATTEMPTS:
        log.error("Batch of row %d set aside after %d failed attempts: %s", head_id, attempts, exc)
