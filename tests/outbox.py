"""Mail leaves through the outbox, and an event's members are told by the
worker: a test that expects notices or mail after a request runs the
worker's jobs for them, at an explicit time."""

from __future__ import annotations

from datetime import datetime

from eventsapp.extensions import db
from eventsapp.notifications.fanout import expand_pending
from eventsapp.notifications.outbox import Counts, deliver_due
from eventsapp.timeutil import utcnow


def tell_members(app, now: datetime | None = None) -> int:
    """Turn every stored change or cancellation into its members' notices
    and queued mail, in a session of its own as the worker has; how many
    members were told."""
    with app.app_context():
        try:
            return expand_pending(db.session, now or utcnow())
        finally:
            db.session.remove()


def deliver_mail(app, now: datetime | None = None, *, batch: int = 1000) -> Counts:
    """Deliver every mail due at `now` (default: the present), after telling
    the members of changes and cancellations, as a worker round does."""
    tell_members(app, now)
    with app.app_context():
        try:
            return deliver_due(db.session, now or utcnow(), batch=batch)
        finally:
            db.session.remove()
