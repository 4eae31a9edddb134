"""Mail leaves through the outbox: a test that expects mail after a request
runs one delivery round, as the worker would, at an explicit time."""

from __future__ import annotations

from datetime import datetime

from eventsapp.extensions import db
from eventsapp.notifications.outbox import Counts, deliver_due
from eventsapp.timeutil import utcnow


def deliver_mail(app, now: datetime | None = None, *, batch: int = 1000) -> Counts:
    """Deliver every mail due at `now` (default: the present), in a session
    of its own as the worker has."""
    with app.app_context():
        try:
            return deliver_due(db.session, now or utcnow(), batch=batch)
        finally:
            db.session.remove()
