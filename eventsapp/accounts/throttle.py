"""Limits on logging in and registering, kept in the database.

Why the database: `make serve` runs several worker processes (and possibly
several machines), which share nothing but the database, so the counters
live in the `throttle_counter` table (on SQLite and PostgreSQL alike), one
row per (bucket, key, fixed window), counted with an atomic upsert. The
window arithmetic (a sliding-window estimate over two fixed windows) is in
`ratewindow.py`.

The policy (rates are settings; the defaults are in brackets):

- Per network address, log in (AUTH_RATE_LIMIT_LOGIN_PER_IP, 20 per 5
  minutes): bounds guessing and the CPU an address can make the slow
  password hash spend. Only failed attempts count: each attempt takes a hit
  before the password is checked, and a successful one gives its own hit
  back. A hospital often shows one public address for all its staff, and a
  shift change of correct logins must never trip this limit. IPv6 clients
  are counted per /64, the block one household or host usually gets.
- Per account, log in (AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT, 10 per 15
  minutes): failed attempts at one email address from anywhere, so that an
  attacker with many addresses still gets few guesses. The key is the email
  as typed (normalised), whether or not an account has it, so the limit
  behaves the same for unknown addresses and reveals nothing.
- Known devices: a browser that has logged in to an account carries a
  signed, long-lived, HttpOnly `known_device` cookie naming that account
  (several accounts, for a shared ward computer). For that account it is
  exempt from the per-account limit, so an attacker who exhausts the limit
  from elsewhere cannot lock the owner out of their usual devices (OWASP's
  "device cookie" approach). It is exempt from the per-address limit as
  well: staff behind the hospital's one public address share that limit
  with anyone else there (guest Wi-Fi, a carrier's NAT), and someone
  failing there on purpose must not keep them out of the browsers they
  always use. It has a limit of its own instead, at the per-account rate
  per (device, account), so a stolen cookie gives few guesses too. A
  browser new to the account gets both the per-address and the per-account
  limit.
- Per network address, register (AUTH_RATE_LIMIT_REGISTER_PER_IP, 20 per
  hour): every registration that reaches the account rules counts, which
  bounds scripted account creation and probing which addresses are
  registered. Interns often register together from one hospital network at
  induction: raise it for such a day.
- Per account, register (AUTH_RATE_LIMIT_REGISTER_PER_ACCOUNT, 5 per hour):
  every registration attempt that reaches the account rules counts against
  the email it names (normalised), whether or not an account has it and
  from whichever address, so someone with many addresses cannot keep
  asking about one email; the refusal is the same page either way. A real
  person needs one attempt, or a few after typos in the password.

Refused attempts are not counted, so a counter never climbs past its limit
and a refusal ends at most about one window after the last counted
failure; refusals happen before the password is looked at, so a refused
right password and a refused wrong one get the same page. A success gives
back only its own hit and never resets a counter: interleaving logins to an
account of one's own does not buy an attacker more guesses. Counters are
HMACs under SECRET_KEY of the address or email, never the values in clear;
rows past their use are deleted whenever a new row starts, so the table
holds at most the keys seen in the last two windows.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, current_app, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from eventsapp.accounts.models import ThrottleCounter
from eventsapp.accounts.ratewindow import (
    Rate, hits_allowed, minutes_for_people, parse_rate, seconds_until_allowed, window_start)
from eventsapp.errors import DomainError
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

LOGIN_IP = "login-ip"
LOGIN_ACCOUNT = "login-account"
LOGIN_DEVICE = "login-device"
REGISTER_IP = "register-ip"
REGISTER_ACCOUNT = "register-account"

DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 365
#: Accounts one browser remembers (a shared ward computer serves several).
DEVICE_ACCOUNTS_KEPT = 8


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
        elif bucket == LOGIN_ACCOUNT:
            message = (f"Too many sign-in attempts. Try again in {wait}. You can still log in "
                       "at once on a device you have logged in on before.")
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


# --- Keys -----------------------------------------------------------------

def keyed(secret: str, bucket: str, value: str) -> str:
    """The counter key for a value: an HMAC, so the table holds no address or email."""
    return hmac.new(secret.encode(), f"{bucket}\0{value}".encode(), hashlib.sha256).hexdigest()


def network_of(remote_addr: str | None) -> str:
    """The address a client is counted under: IPv4 as is, IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return remote_addr or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_of(email: str) -> str:
    """The spelling of an email the per-account limit counts under."""
    from eventsapp.accounts.services import normalise_email

    try:
        return normalise_email(email)
    except DomainError:
        return (email or "").strip().lower()


# --- Counting in the database ----------------------------------------------

def _counts(session: Session, check: Check, current: datetime, previous: datetime) -> tuple[int, int]:
    rows = dict(session.execute(sa.select(ThrottleCounter.window_start, ThrottleCounter.hits).where(
        ThrottleCounter.bucket == check.bucket, ThrottleCounter.key == check.key,
        ThrottleCounter.window_start.in_([current, previous]))).all())
    return rows.get(previous, 0), rows.get(current, 0)


def _count_one_more(session: Session, check: Check, start: datetime, cap: int) -> int | None:
    """Add a hit unless the window already holds `cap`; the new count, or None."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(ThrottleCounter).values(
        bucket=check.bucket, key=check.key, window_start=start, hits=1,
        expires_at=start + timedelta(seconds=2 * check.rate.window))
    statement = statement.on_conflict_do_update(
        index_elements=[ThrottleCounter.bucket, ThrottleCounter.key, ThrottleCounter.window_start],
        set_={"hits": ThrottleCounter.hits + 1}, where=ThrottleCounter.hits < cap)
    return session.scalar(statement.returning(ThrottleCounter.hits))


def take(session: Session, checks: list[Check], now: datetime) -> list[Hit]:
    """Count one attempt in every bucket, all or none, and commit. Raises
    Limited for the first bucket that is full (then nothing is counted)."""
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
    session.commit()
    if started_a_row:
        purge(session, now)
    return hits


def give_back(session: Session, hits: list[Hit]) -> None:
    """Uncount attempts that turned out not to count (a successful login)."""
    for hit in hits:
        session.execute(sa.update(ThrottleCounter).where(
            ThrottleCounter.bucket == hit.bucket, ThrottleCounter.key == hit.key,
            ThrottleCounter.window_start == hit.window_start, ThrottleCounter.hits > 0,
        ).values(hits=ThrottleCounter.hits - 1))
    session.commit()


def purge(session: Session, now: datetime) -> None:
    """Delete counters that no longer count. Housekeeping: if it loses a
    lock to another request's purge, that one does the work."""
    try:
        session.execute(sa.delete(ThrottleCounter).where(ThrottleCounter.expires_at <= now))
        session.commit()
    except OperationalError:
        session.rollback()


# --- At the edge of a request ------------------------------------------------

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


def login_attempt(session: Session, email: str) -> Attempt:
    """Count a login attempt before its password is checked; raises Limited."""
    if not enabled():
        return Attempt()
    secret = current_app.config["SECRET_KEY"]
    account = account_of(email)
    device = _known_device(secret)
    account_key = _account_key(secret, account)
    per_account = _rate("AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT")
    if device is not None and account_key in device["a"]:
        # The owner's own browser: only its own limit, so that nobody sharing
        # its network address (or guessing from elsewhere) can keep it out.
        checks = [Check(LOGIN_DEVICE, keyed(secret, LOGIN_DEVICE, f"{device['d']}\0{account_key}"),
                        per_account)]
    else:
        checks = [Check(LOGIN_IP, keyed(secret, LOGIN_IP, network_of(request.remote_addr)),
                        _rate("AUTH_RATE_LIMIT_LOGIN_PER_IP")),
                  Check(LOGIN_ACCOUNT, keyed(secret, LOGIN_ACCOUNT, account), per_account)]
    return Attempt(take(session, checks, clock()))


def registration_attempt(session: Session, email: str) -> Attempt:
    """Count a registration attempt for `email`, before the account rules
    look at it (and so before they say whether it is taken); raises Limited."""
    if not enabled():
        return Attempt()
    secret = current_app.config["SECRET_KEY"]
    return Attempt(take(session, [
        Check(REGISTER_IP, keyed(secret, REGISTER_IP, network_of(request.remote_addr)),
              _rate("AUTH_RATE_LIMIT_REGISTER_PER_IP")),
        Check(REGISTER_ACCOUNT, keyed(secret, REGISTER_ACCOUNT, account_of(email)),
              _rate("AUTH_RATE_LIMIT_REGISTER_PER_ACCOUNT")),
    ], clock()))


# --- The known-device cookie --------------------------------------------------

def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="known-device")


def _account_key(secret: str, account: str) -> str:
    return keyed(secret, "device-account", account)[:32]


def _known_device(secret: str) -> dict | None:
    """This browser's signed device record, or None if absent, forged or too old."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        found = _serializer(secret).loads(raw, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not (isinstance(found, dict) and isinstance(found.get("d"), str) and isinstance(found.get("a"), list)):
        return None
    return found


def remember_device(response: Response, email: str) -> Response:
    """After a successful login: mark this browser as one the account's owner uses."""
    secret = current_app.config["SECRET_KEY"]
    device = _known_device(secret) or {"d": secrets.token_urlsafe(16), "a": []}
    key = _account_key(secret, account_of(email))
    accounts = [key] + [k for k in device["a"] if k != key][:DEVICE_ACCOUNTS_KEPT - 1]
    response.set_cookie(
        DEVICE_COOKIE, _serializer(secret).dumps({"d": device["d"], "a": accounts}),
        max_age=DEVICE_COOKIE_DAYS * 86400, path=url_for("accounts.login"), httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")), samesite="Lax")
    return response
