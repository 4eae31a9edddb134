"""Introductions answer what accounts and profiles announce, in the
sender's transaction. Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.introductions.services import tell_about_departure, withdraw_requests_to
from eventsapp.profiles.signals import opted_out


@opted_out.connect
def _withdraw_waiting_requests(session: Session, *, user: User, **_) -> None:
    """Leaving takes effect at once: nobody keeps waiting on an answer."""
    withdraw_requests_to(session, user)


@account_deleting.connect
def _tell_about_departure(session: Session, *, user: User, **_) -> None:
    """Whoever had an open request or a connection with the member is told,
    before those rows go with the account."""
    tell_about_departure(session, user)
