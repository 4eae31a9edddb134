"""Cancelling an event (or a meeting and the following ones), which keeps
everything and tells whoever answered; deleting one nobody answered."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events import signals
from eventsapp.events.editing import Scope, following_meetings, record_change, snapshot, touch_series
from eventsapp.events.links import EventLinks
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event, EventStatus, KeptAttendance
from eventsapp.events.organizers import require_organizer
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write


def has_responses(session: Session, event_id: int) -> bool:
    """Whether anyone answered or attended the event (the domains that hold
    answers and check-ins say so, or the counts it kept once they were
    removed after the retention period: docs/retention.md)."""
    if session.get(KeptAttendance, event_id) is not None:
        return True
    return any(signals.answers(signals.checking_responses, session, event_id=event_id))


def cancel_event(
    session: Session, actor: User, event_id: int, *, scope: str = Scope.THIS, links: EventLinks | None = None
) -> list[Event]:
    """Cancel an event (or an occurrence and the following ones). Nothing is
    deleted: RSVPs stay, new ones are refused, and everyone who answered is
    told (`links`: how to link the event in what is sent)."""
    if scope not in (Scope.THIS, Scope.FOLLOWING):
        raise DomainError("Choose which meetings to cancel.")
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    following = following_meetings(session, event) if scope == Scope.FOLLOWING and event.series_id else [event]
    now = utcnow()
    cancelled = []
    for target in following:
        if target.is_cancelled or target.ends_at < now:
            continue
        require_organizer(target, actor)
        before = snapshot(target)
        target.status, target.cancelled_at = EventStatus.CANCELLED, now
        record_change(target, before, now)
        cancelled.append(target)
    if not cancelled:
        raise DomainError("This event is already cancelled or over.")
    touch_series(cancelled, now)
    signals.events_cancelled.send(session, events=cancelled, links=links)
    session.commit()
    return cancelled


def delete_event(session: Session, actor: User, event_id: int) -> None:
    """Only an event nobody has answered or attended may disappear."""
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    if has_responses(session, event_id):
        raise DomainError("People have answered this event, so it can't be deleted; cancel it instead.")
    series = event.series
    touch_series([event], utcnow())  # the series' calendar entry gains an EXDATE
    session.delete(event)
    session.flush()
    if series is not None and not session.scalar(sa.select(sa.exists().where(Event.series_id == series.id))):
        session.delete(series)
    session.commit()
