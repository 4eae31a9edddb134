"""A member deletes their account.

Deleting keeps what others rely on, and each domain sees to its own rows
when accounts announces the deletion (signals.account_deleting): answers to
past events and check-ins stay, anonymised, so organizers' counts stay
right; places held for upcoming events are given up (the waitlist moves
on); events the member organised pass to a co-organizer, or else to an
admin; whoever had an open introduction request or a connection with the
member is told. The download of a member's data reads every domain, so it
lives above them (web/personal_data.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.signals import account_deleting
from eventsapp.errors import DomainError
from eventsapp.transactions import begin_write


def delete_account(session: Session, user: User, password: str, links=None) -> None:
    """`links`: how to link event pages in what the deletion sends (an
    EventLinks, built by the web layer), passed on to the receivers."""
    if not passwords.verify_password(user.password_hash, password or ""):
        raise DomainError("That password is not right.", field="password")
    if user.is_admin and not session.scalar(sa.select(sa.exists().where(User.role == Role.ADMIN, User.id != user.id))):
        raise DomainError(
            "You are the only admin. Make someone else an admin first "
            "(flask --app app make-admin EMAIL), then delete your account."
        )
    begin_write(session)
    user = session.get(User, user.id)
    account_deleting.send(session, user=user, links=links)
    session.delete(user)
    session.commit()
