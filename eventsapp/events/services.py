"""Event rules: what an event may hold, who may change it, and what a change
means for the people who answered. Creating and reading are here; the
details and their checks are in details.py, editing in editing.py,
cancelling and deleting in cancelling.py (all importable from here)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events import recurrence, wallclock
from eventsapp.events.cancelling import cancel_event, delete_event, has_responses
from eventsapp.events.details import CheckedDetails, EventDetails, apply_details, check_details, details_of
from eventsapp.events.editing import EventChanged, Scope, update_event
from eventsapp.events.models import Event, EventStatus, Series
from eventsapp.events.organizers import organizer_choices, require_organizer
from eventsapp.timeutil import utcnow

# What the views and tests use, wherever it lives.
__all__ = [
    "EventChanged",
    "EventDetails",
    "Scope",
    "cancel_event",
    "create_event",
    "delete_event",
    "details_of",
    "get_event",
    "has_responses",
    "organizer_choices",
    "require_organizer",
    "update_event",
]


def get_event(session: Session, event_id: int) -> Event:
    event = session.scalar(
        sa.select(Event)
        .where(Event.id == event_id)
        .options(selectinload(Event.specialties), selectinload(Event.co_organizers), selectinload(Event.series))
    )
    if event is None:
        raise NotFound("No such event.")
    return event


def create_event(
    session: Session, organizer: User, details: EventDetails, repeat: recurrence.Recurrence | None = None
) -> Event:
    """Create a one-off event, or a series and all its occurrences. Returns
    the (first) event."""
    if not organizer.can_organize:
        raise NotAllowed("Only organizers can create events.")
    checked = check_details(session, details, organizer.id)
    now = utcnow()
    if repeat is None:
        wallclock.require_confirmed(checked.notes, details.confirmed_times)
        event = Event(organizer=organizer, status=EventStatus.SCHEDULED, created_at=now, updated_at=now)
        apply_details(event, checked)
        session.add(event)
        session.commit()
        return event
    events = _create_occurrences(session, organizer, checked, repeat, now, details.confirmed_times)
    session.commit()
    return events[0]


def _create_occurrences(
    session: Session,
    organizer: User,
    checked: CheckedDetails,
    repeat: recurrence.Recurrence,
    now: datetime,
    confirmed: str,
) -> list[Event]:
    try:
        starts = recurrence.occurrence_starts(checked.walls.start, checked.timezone, repeat)
    except recurrence.RecurrenceError as exc:
        raise DomainError(str(exc), field="repeat_until") from exc
    meetings = [wallclock.shifted(checked, local_start) for local_start in starts]
    wallclock.require_confirmed((note for m in meetings for note in m.notes), confirmed)
    series = Series(
        frequency=repeat.frequency,
        interval=repeat.interval,
        until=repeat.until,
        timezone=checked.timezone,
        starts_at=meetings[0].starts_at,
        wall_start=checked.walls.start,
        all_day=checked.all_day,
        created_at=now,
        updated_at=now,
    )
    session.add(series)
    events = []
    for meeting in meetings:
        event = Event(organizer=organizer, status=EventStatus.SCHEDULED, series=series, created_at=now, updated_at=now)
        apply_details(event, meeting)
        event.recurrence_id = event.starts_at
        session.add(event)
        events.append(event)
    return events
