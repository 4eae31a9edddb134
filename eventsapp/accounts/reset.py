"""Choosing a new password by a mailed link, for members who forgot theirs
(docs/accounts.md, "Forgotten passwords").

The link holds a token signed with SECRET_KEY for this purpose alone (its
salt), naming the account and a keyed digest of its password hash and
address: once the password changes, or the address does, every link sent
before is void, so a link works once. It stops working after
PASSWORD_RESET_HOURS. Asking says the same whether or not the address has
an account. Opening the link only shows the form (a GET never writes).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords, sessions, signals, throttle
from eventsapp.accounts.clientkeys import account_of, keyed, network_of
from eventsapp.accounts.models import User
from eventsapp.accounts.services import end_unproven_claim, find_by_email, normalise_email
from eventsapp.config import ConfigError
from eventsapp.errors import DomainError, NotFound
from eventsapp.ssoconfig import sso_enabled
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write, locked

SALT = "reset-password"
INVALID = "This link does not work."
#: How long asking for a link takes at the least, whether or not the address
#: has an account: far above the few milliseconds queueing a mail costs.
ANSWER_SECONDS = 0.25
#: How the answer measures and waits out ANSWER_SECONDS (tests replace them).
monotonic, pause = time.monotonic, time.sleep


class LinkExpired(DomainError):
    """The link is genuine but older than PASSWORD_RESET_HOURS."""


@dataclass(frozen=True)
class ResetLink:
    """Whose password a genuine, unused link sets."""

    user_id: int
    email: str
    confirmed: bool  # the address, before this link: choosing a password confirms it


def clock() -> datetime:
    """The links' idea of now (tests move it forward)."""
    return utcnow()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _state_digest(user: User) -> str:
    """What the link must find unchanged: the password's hash and the address.
    Keyed, so that the token (readable by whoever holds it) tells nothing of the hash."""
    secret = current_app.config["SECRET_KEY"].encode()
    state = f"{user.password_hash}\0{user.email}".encode()
    return hmac.new(secret, state, hashlib.sha256).hexdigest()[:32]


def token_for(user: User) -> str:
    return _serializer().dumps([user.id, _state_digest(user)])


def _read(token: str, now: datetime) -> tuple[int, str]:
    """(user id, state digest); LinkExpired or NotFound for anything else."""
    try:
        (user_id, digest), signed_at = _serializer().loads(token, return_timestamp=True)
    except (BadData, TypeError, ValueError) as exc:
        raise NotFound(INVALID) from exc
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(digest, str):
        raise NotFound(INVALID)
    if now - signed_at > timedelta(hours=current_app.config["PASSWORD_RESET_HOURS"]):
        raise LinkExpired("This link has expired.")
    return user_id, digest


def _unchanged(user: User | None, digest: str) -> User:
    """The account, if the link was made for it as it is now (NotFound otherwise)."""
    if user is None or not hmac.compare_digest(_state_digest(user), digest):
        raise NotFound(INVALID)
    if _way_in(user) != "password":  # a link sent before the hospital sign-in was set up
        raise NotFound(INVALID)
    return user


def link_state(session: Session, token: str, *, now: datetime) -> ResetLink:
    """Whose password the link sets; reads only. NotFound for a forged or
    used link (or one whose address changed), LinkExpired for an old one."""
    user_id, digest = _read(token, now)
    user = _unchanged(session.get(User, user_id), digest)
    return ResetLink(user.id, user.email, user.email_verified)


def request_link(session: Session, email: str, *, link_prefix: str, login: str, client_address: str | None) -> None:
    """Someone asks for a link for `email`: DomainError for what is not an
    address, else counted (throttle.Limited) and, if an account uses the
    address, its owner mailed, both in one commit: the answer takes as long
    either way, and says the same. An account with no password to reset is
    told how it gets in instead (`way_in`): a roster's invitation not yet
    used, or the hospital sign-in while it is configured (a mailed link
    must not get round the hospital's own checks)."""
    email = normalise_email(email)
    with _at_least(ANSWER_SECONDS):
        user = find_by_email(session, email)

        def mail_owner(session: Session) -> None:
            if user is not None:
                way_in = _way_in(user)
                url = f"{link_prefix}{token_for(user)}" if way_in == "password" else None
                signals.password_reset_asked.send(session, user=user, url=url, way_in=way_in, login=login)

        reset_attempt(session, email, client_address=client_address, along=mail_owner)


@contextmanager
def _at_least(seconds: float):
    """Take at least `seconds`, however the block ends: queueing the mail
    costs a few milliseconds that an unknown address does not, and the
    answer's time must not tell them apart."""
    started = monotonic()
    try:
        yield
    finally:
        pause(max(0.0, seconds - (monotonic() - started)))


def _way_in(user: User) -> str:
    """How `user` chooses a password: "password" by a link, else how they get in.
    An account made by the hospital sign-in gets a link only when that sign-in
    is not set up (it has no other way in) or SSO_ACCOUNTS_MAY_SET_PASSWORD
    says so: a mailed link would get round the provider's own checks."""
    way_in, config = passwords.way_in(user.password_hash), current_app.config
    if way_in == "hospital" and (not sso_enabled(config) or config["SSO_ACCOUNTS_MAY_SET_PASSWORD"]):
        return "password"
    return way_in


def set_password(session: Session, token: str, new: str, *, now: datetime) -> User:
    """Give the link's account the new password and commit: every session of
    the account ends, and the link with all others sent before stops working.
    The mail reached the address's owner, so the address counts as confirmed;
    an account never confirmed is taken from whoever made it, as the hospital
    sign-in does (services.end_unproven_claim). Raises DomainError."""
    user_id, digest = _read(token, now)
    user = _unchanged(session.get(User, user_id), digest)
    try:
        passwords.check_password_rules(new, email=user.email, name=user.name)
    except passwords.PasswordRejected as exc:
        raise DomainError(str(exc), field="password") from exc
    new_hash = passwords.hash_password(new)
    # Read again under the write lock: of two uses of one link at once, the second finds it void.
    begin_write(session)
    user = _unchanged(session.scalar(locked(sa.select(User).where(User.id == user_id), User)), digest)
    if user.email_verified_at is None:
        end_unproven_claim(session, user, marker=new_hash)
        user.email_verified_at = now
    else:
        user.password_hash = new_hash
        sessions.end_sessions_of(session, user.id)
    session.commit()
    return user


def reset_attempt(session: Session, email: str, *, client_address: str | None, along=None) -> throttle.Attempt:
    """Count a request for a link, per client and per address, as logins
    are counted, and commit with what `along(session)` adds; raises
    throttle.Limited. Not counted with AUTH_RATE_LIMIT_ENABLED off."""
    if not throttle.enabled():
        if along is not None:
            along(session)
            session.commit()
        return throttle.Attempt()
    secret, config = current_app.config["SECRET_KEY"], current_app.config
    checks = [
        throttle.Check(
            throttle.RESET_IP,
            keyed(secret, throttle.RESET_IP, network_of(client_address)),
            throttle.parse_rate(config["AUTH_RATE_LIMIT_RESET_PER_IP"]),
        ),
        throttle.Check(
            throttle.RESET_ACCOUNT,
            keyed(secret, throttle.RESET_ACCOUNT, account_of(email)),
            throttle.parse_rate(config["AUTH_RATE_LIMIT_RESET_PER_ACCOUNT"]),
        ),
    ]
    return throttle.Attempt(throttle.take(session, checks, throttle.clock(), along=along))


def check_settings(config) -> None:
    """Refuse a link lifetime that is not a positive number of hours."""
    hours = config["PASSWORD_RESET_HOURS"]
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 7:
        raise ConfigError(f"PASSWORD_RESET_HOURS={hours!r} is not a number of hours up to a week; use one such as 2.")
