"""A member deletes their account.

Deleting keeps what others rely on, and each domain sees to its own rows
when accounts announces the deletion (signals.account_deleting): answers to
past events and check-ins stay, anonymised, so organizers' counts stay
right; places held for upcoming events are given up (the waitlist moves
on); events the member organised pass to a co-organizer, or else to an
admin; whoever had an open introduction request or a connection with the
member is told. An admin may remove an account the same way. The download of a member's data reads every domain, so it
lives above them (web/personal_data.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords, sessions, sso
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.signals import account_deleting
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.transactions import begin_write


def delete_account(session: Session, user: User, password: str, links=None) -> None:
    """`links`: how to link event pages in what the deletion sends (an
    EventLinks, built by the web layer), passed on to the receivers. An
    account made by the hospital sign-in has no password to confirm with."""
    if sso.has_password(user) and not passwords.verify_password(user.password_hash, password or ""):
        raise DomainError("That password is not right.", field="password")
    if user.is_admin and not session.scalar(sa.select(sa.exists().where(User.role == Role.ADMIN, User.id != user.id))):
        raise DomainError(
            "You are the only admin. Make someone else an admin first "
            "(flask --app app make-admin EMAIL), then delete your account."
        )
    _delete(session, user.id, links)


def remove_account(session: Session, *, actor: User, user_id: int, links=None) -> str:
    """An admin removes someone's account, as if they had deleted it
    themselves: their sessions end at once. Returns the name it had."""
    if not actor.is_admin:
        raise NotAllowed("Only admins can remove accounts.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such person.")
    if user.is_admin:
        raise DomainError(f"{user.name} is an admin; admin rights are managed from the command line.")
    name = user.name
    _delete(session, user_id, links)
    return name


def _delete(session: Session, user_id: int, links) -> None:
    begin_write(session)
    user = session.get(User, user_id)
    account_deleting.send(session, user=user, links=links)
    sessions.end_sessions_of(session, user_id)
    session.delete(user)
    session.commit()
