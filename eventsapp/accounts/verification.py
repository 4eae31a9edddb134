"""Confirming an account's email address by a mailed link (docs/accounts.md).

The link holds a token signed with SECRET_KEY for this purpose alone (its
salt), naming the account and a digest of the address it was sent to: a
changed address voids the links sent before, and it stops working after
EMAIL_CONFIRM_HOURS. Opening the link only shows a button (a GET never
writes, and mail scanners open every link); the button's POST confirms,
with the account's password unless that account is the one signed in:
whoever registered someone else's address cannot have its owner confirm it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords, signals, throttle
from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.timeutil import utcnow

SALT = "confirm-email"


class LinkExpired(DomainError):
    """The link is genuine but older than EMAIL_CONFIRM_HOURS."""


class OtherAccount(NotAllowed):
    """The link confirms another account than the one logged in."""


class WrongPassword(DomainError):
    """The password given on the confirm page is not the account's."""


@dataclass(frozen=True)
class AccountLinks:
    """This site's addresses for account mail, built by the web layer (which
    knows the routes and the request's host) and passed down: the confirm
    link is `confirm_prefix` followed by the token. A mail that needs only
    the login page gives only that."""

    login: str
    confirm_prefix: str = ""
    change_password: str = ""

    def confirm(self, token: str) -> str:
        return f"{self.confirm_prefix}{token}"


@dataclass(frozen=True)
class LinkState:
    """What a confirm link is for: whose address, and whether it is confirmed already."""

    user_id: int
    email: str
    confirmed: bool


def clock() -> datetime:
    """The links' idea of now (tests move it forward)."""
    return utcnow()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _max_age() -> timedelta:
    return timedelta(hours=current_app.config["EMAIL_CONFIRM_HOURS"])


def address_digest(email: str) -> str:
    """A short digest of the address: the link names it without showing it."""
    return hashlib.sha256(email.encode()).hexdigest()[:24]


def token_for(user: User) -> str:
    return _serializer().dumps([user.id, address_digest(user.email)])


def _read(token: str, now: datetime) -> tuple[int, str]:
    """(user id, address digest); LinkExpired or NotFound for anything else."""
    try:
        (user_id, digest), signed_at = _serializer().loads(token, return_timestamp=True)
    except (BadData, TypeError, ValueError) as exc:
        raise NotFound("This link is not valid.") from exc
    if not isinstance(user_id, int) or not isinstance(digest, str):
        raise NotFound("This link is not valid.")
    if now - signed_at > _max_age():
        raise LinkExpired("This link has expired.")
    return user_id, digest


def link_state(session: Session, token: str, *, viewer_id: int | None, now: datetime) -> LinkState:
    """What the link would confirm; reads only. NotFound for a forged link or
    one to an address the account no longer has, LinkExpired, OtherAccount."""
    user_id, digest = _read(token, now)
    user = session.get(User, user_id)
    if user is None or address_digest(user.email) != digest:
        raise NotFound("This link is not valid.")
    if viewer_id is not None and viewer_id != user.id:
        raise OtherAccount("This link confirms another account's address.")
    return LinkState(user.id, user.email, user.email_verified)


def confirm(
    session: Session, token: str, *, viewer_id: int | None, now: datetime, password: str | None = None
) -> LinkState:
    """Mark the link's address confirmed and commit; a second time changes
    nothing. Logged out, the account's password must come with it
    (WrongPassword otherwise, and nothing changes)."""
    state = link_state(session, token, viewer_id=viewer_id, now=now)
    user = session.get(User, state.user_id)
    if viewer_id is None and not passwords.verify_password(user.password_hash, password or ""):
        raise WrongPassword("That is not the password of this account.", field="password")
    if not state.confirmed:
        user.email_verified_at = now
        session.commit()
    return state


def send_link(session: Session, user: User, links: AccountLinks) -> None:
    """Announce a new link for the account's address (notifications mails it
    in the caller's transaction). The user must have its id (flushed)."""
    signals.confirmation_needed.send(session, user=user, url=links.confirm(token_for(user)))


def resend(session: Session, user_id: int, links: AccountLinks) -> None:
    """A member asks for a new link: at most one a minute (throttle.Limited
    says how long to wait); commits."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    if user.email_verified:
        raise DomainError("Your email address is already confirmed.")
    throttle.resend_attempt(session, user.id)
    user = session.get(User, user_id)  # (counting committed: read it again)
    send_link(session, user, links)
    session.commit()
