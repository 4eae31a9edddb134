"""Attendance answers what accounts and events announce, in the sender's
transaction. Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.attendance.models import CheckIn
from eventsapp.events.signals import checking_responses


@checking_responses.connect
def _has_check_ins(session: Session, *, event_id: int, **_) -> bool:
    return bool(session.scalar(sa.select(sa.exists().where(CheckIn.event_id == event_id))))


@account_deleting.connect
def _keep_check_ins_without_a_name(session: Session, *, user: User, **_) -> None:
    """Check-ins stay, anonymised, so organizers' counts stay right."""
    session.execute(sa.update(CheckIn).where(CheckIn.user_id == user.id).values(user_id=None, guest_name=None))
    session.execute(sa.update(CheckIn).where(CheckIn.checked_in_by_id == user.id).values(checked_in_by_id=None))
