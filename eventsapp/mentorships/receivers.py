"""Mentorships answer what accounts and introductions announce, in the
sender's transaction. Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.introductions.signals import connection_ended
from eventsapp.mentorships.privacy import leave
from eventsapp.mentorships.services import end_with_connection


@account_deleting.connect
def _close_and_forget_notes(session: Session, *, user: User, **_) -> None:
    """The member's notes go with them; the other member hears that the
    mentorship ended."""
    leave(session, user)


@connection_ended.connect
def _close_with_connection(request, *, session: Session, by: User, **_) -> None:
    end_with_connection(session, request.id, by.id)
