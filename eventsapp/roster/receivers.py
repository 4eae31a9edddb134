"""How the roster answers what accounts announce."""

from __future__ import annotations

import sqlalchemy as sa

from eventsapp.accounts import signals
from eventsapp.roster.models import RosterInvitation


@signals.address_proven_by_provider.connect
def joined_through_the_provider(session, *, user, now, **_):
    """An invited person who signs in with the hospital account has joined:
    the roster says so, and the mailed link stops working."""
    session.execute(
        sa.update(RosterInvitation)
        .where(RosterInvitation.user_id == user.id, RosterInvitation.accepted_at.is_(None))
        .values(accepted_at=now)
    )
