"""Limits on logging in, registering and asking for a new password, counted
in the database (the `throttle_counter` table) so that they hold across
server processes; the window arithmetic is in `ratewindow.py`. The view passes in the client's
address and its known-device cookie. The policy: see docs/throttle.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from eventsapp.accounts.clientkeys import (
    DEVICE_COOKIE,  # noqa: F401  (where the tests read it)
    account_of,
    device_account_key,
    keyed,
    known_device,
    network_of,
)
from eventsapp.accounts.models import ThrottleCounter
from eventsapp.accounts.ratewindow import (
    Rate,
    hits_allowed,
    minutes_for_people,
    parse_rate,
    seconds_until_allowed,
    window_start,
)
from eventsapp.config import ConfigError
from eventsapp.errors import DomainError
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

LOGIN_IP = "login-ip"
LOGIN_ACCOUNT = "login-account"
LOGIN_DEVICE = "login-device"
REGISTER_IP = "register-ip"
REGISTER_ACCOUNT = "register-account"
CONFIRM_RESEND = "confirm-resend"
RESET_IP = "reset-ip"
RESET_ACCOUNT = "reset-account"
#: New links to confirm an address, per account: a mailbox is not flooded.
CONFIRM_RESEND_RATE = "1 per minute"


def clock() -> datetime:
    """The limiter's idea of now (tests move it forward)."""
    return utcnow()


class Limited(DomainError):
    """Too many attempts; `retry_after` is in whole seconds."""

    def __init__(self, bucket: str, retry_after: int):
        self.bucket, self.retry_after = bucket, retry_after
        wait = minutes_for_people(retry_after)
        if bucket == REGISTER_IP:
            message = f"Too many registration attempts. Try again in {wait}."
        elif bucket == REGISTER_ACCOUNT:
            message = f"Too many registration attempts with this email address. Try again in {wait}."
        elif bucket in (RESET_IP, RESET_ACCOUNT):
            message = f"Too many requests for a link to choose a new password. Try again in {wait}."
        elif bucket == CONFIRM_RESEND:
            message = f"We sent you a link a moment ago. Check your inbox, or ask again in {wait}."
        elif bucket == LOGIN_ACCOUNT:
            message = (
                f"Too many sign-in attempts. Try again in {wait}. You can still log in "
                "at once on a device you have logged in on before."
            )
        else:
            message = f"Too many sign-in attempts. Try again in {wait}."
        super().__init__(message)


@dataclass(frozen=True)
class Check:
    bucket: str
    key: str
    rate: Rate


@dataclass(frozen=True)
class Hit:
    """One counted attempt, so that it can be given back."""

    bucket: str
    key: str
    window_start: datetime


# --- Counting in the database ----------------------------------------------


def _counts(session: Session, check: Check, current: datetime, previous: datetime) -> tuple[int, int]:
    rows = dict(
        session.execute(
            sa.select(ThrottleCounter.window_start, ThrottleCounter.hits).where(
                ThrottleCounter.bucket == check.bucket,
                ThrottleCounter.key == check.key,
                ThrottleCounter.window_start.in_([current, previous]),
            )
        ).all()
    )
    return rows.get(previous, 0), rows.get(current, 0)


def _count_one_more(session: Session, check: Check, start: datetime, cap: int) -> int | None:
    """Add a hit unless the window already holds `cap`; the new count, or None."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ThrottleCounter).values(
        bucket=check.bucket,
        key=check.key,
        window_start=start,
        hits=1,
        expires_at=start + timedelta(seconds=2 * check.rate.window),
    )
    statement = statement.on_conflict_do_update(
        index_elements=[ThrottleCounter.bucket, ThrottleCounter.key, ThrottleCounter.window_start],
        set_={"hits": ThrottleCounter.hits + 1},
        where=ThrottleCounter.hits < cap,
    )
    return session.scalar(statement.returning(ThrottleCounter.hits))


def take(session: Session, checks: list[Check], now: datetime, *, along=None) -> list[Hit]:
    """Count one attempt in every bucket, all or none, and commit, with what
    `along(session)` adds to the same transaction. Raises Limited for the
    first bucket that is full (then nothing is counted, nothing added)."""
    begin_write(session)
    hits, started_a_row = [], False
    for check in checks:
        current = window_start(now, check.rate.window)
        previous = current - timedelta(seconds=check.rate.window)
        elapsed = (now - current).total_seconds()
        before, so_far = _counts(session, check, current, previous)
        cap = hits_allowed(check.rate, before, elapsed)
        counted = _count_one_more(session, check, current, cap) if so_far < cap else None
        if counted is None:
            # Full (perhaps filled by another request a moment ago): count nothing.
            before, so_far = _counts(session, check, current, previous)
            session.rollback()
            raise Limited(check.bucket, seconds_until_allowed(check.rate, before, so_far, elapsed))
        started_a_row = started_a_row or counted == 1
        hits.append(Hit(check.bucket, check.key, current))
    if along is not None:
        along(session)
    session.commit()
    if started_a_row:
        purge(session, now)
    return hits


def give_back(session: Session, hits: list[Hit]) -> None:
    """Uncount attempts that turned out not to count (a successful login)."""
    for hit in hits:
        session.execute(
            sa.update(ThrottleCounter)
            .where(
                ThrottleCounter.bucket == hit.bucket,
                ThrottleCounter.key == hit.key,
                ThrottleCounter.window_start == hit.window_start,
                ThrottleCounter.hits > 0,
            )
            .values(hits=ThrottleCounter.hits - 1)
        )
    session.commit()


def purge(session: Session, now: datetime) -> None:
    """Delete counters that no longer count. Housekeeping: if it loses a
    lock to another request's purge, that one does the work."""
    try:
        session.execute(sa.delete(ThrottleCounter).where(ThrottleCounter.expires_at <= now))
        session.commit()
    except OperationalError:
        session.rollback()


# --- Attempts ------------------------------------------------------------------

RATE_SETTINGS = (
    "AUTH_RATE_LIMIT_LOGIN_PER_IP",
    "AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT",
    "AUTH_RATE_LIMIT_REGISTER_PER_IP",
    "AUTH_RATE_LIMIT_REGISTER_PER_ACCOUNT",
    "AUTH_RATE_LIMIT_RESET_PER_IP",
    "AUTH_RATE_LIMIT_RESET_PER_ACCOUNT",
)


def check_settings(config) -> None:
    """Refuse to start with a rate that does not parse (ConfigError)."""
    for name in RATE_SETTINGS:
        try:
            parse_rate(config[name])
        except ValueError as exc:
            raise ConfigError(f"{name}: {exc}.") from exc


def enabled() -> bool:
    return bool(current_app.config.get("AUTH_RATE_LIMIT_ENABLED", True))


def _rate(setting: str) -> Rate:
    return parse_rate(current_app.config[setting])


@dataclass
class Attempt:
    hits: list[Hit] = field(default_factory=list)

    def succeeded(self, session: Session) -> None:
        """A successful login does not count against anyone's limit."""
        if self.hits:
            give_back(session, self.hits)
            self.hits = []


def login_attempt(session: Session, email: str, *, client_address: str | None, device_cookie: str | None) -> Attempt:
    """Count a login attempt before its password is checked; raises Limited.
    `device_cookie` is the browser's DEVICE_COOKIE, if it sent one."""
    if not enabled():
        return Attempt()
    secret = current_app.config["SECRET_KEY"]
    account = account_of(email)
    device = known_device(secret, device_cookie)
    account_key = device_account_key(secret, account)
    per_account = _rate("AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT")
    if device is not None and account_key in device["a"]:
        # The owner's own browser: only its own limit, so that nobody sharing
        # its network address (or guessing from elsewhere) can keep it out.
        checks = [Check(LOGIN_DEVICE, keyed(secret, LOGIN_DEVICE, f"{device['d']}\0{account_key}"), per_account)]
    else:
        checks = [
            Check(LOGIN_IP, keyed(secret, LOGIN_IP, network_of(client_address)), _rate("AUTH_RATE_LIMIT_LOGIN_PER_IP")),
            Check(LOGIN_ACCOUNT, keyed(secret, LOGIN_ACCOUNT, account), per_account),
        ]
    return Attempt(take(session, checks, clock()))


def registration_attempt(session: Session, email: str, *, client_address: str | None) -> Attempt:
    """Count a registration attempt for `email`, before the account rules
    look at it (and so before they say whether it is taken); raises Limited."""
    if not enabled():
        return Attempt()
    secret = current_app.config["SECRET_KEY"]
    return Attempt(
        take(
            session,
            [
                Check(
                    REGISTER_IP,
                    keyed(secret, REGISTER_IP, network_of(client_address)),
                    _rate("AUTH_RATE_LIMIT_REGISTER_PER_IP"),
                ),
                Check(
                    REGISTER_ACCOUNT,
                    keyed(secret, REGISTER_ACCOUNT, account_of(email)),
                    _rate("AUTH_RATE_LIMIT_REGISTER_PER_ACCOUNT"),
                ),
            ],
            clock(),
        )
    )


def resend_attempt(session: Session, user_id: int) -> None:
    """Count a request for a new confirm link; raises Limited. Always on
    (AUTH_RATE_LIMIT_ENABLED is about guessing): it guards the mailbox."""
    key = keyed(current_app.config["SECRET_KEY"], CONFIRM_RESEND, str(int(user_id)))
    take(session, [Check(CONFIRM_RESEND, key, parse_rate(CONFIRM_RESEND_RATE))], clock())
