"""Profiles answer what accounts announce, in the sender's transaction.
Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_created
from eventsapp.profiles.models import Profile


@account_created.connect
def _give_an_empty_profile(session: Session, *, user: User, **_) -> None:
    """Every account has a profile, empty until the member fills it in."""
    if user.profile is None:
        user.profile = Profile()
