"""How calendars answer what accounts announce."""

from __future__ import annotations

import sqlalchemy as sa

from eventsapp.accounts import signals
from eventsapp.ical.models import CalendarFeed


@signals.unproven_claim_ended.connect
def close_the_claimants_feed(session, *, user, **_):
    """The private feed's address was made by whoever registered the account
    without owning the address: it stops working; the owner can make a new one."""
    session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user.id))
