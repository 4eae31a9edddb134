"""Sessions that end: one row per signed-in browser (docs/sessions.md).

The browser holds a login id, "<user id>:<token>", in its signed session and
in the remember-me cookie; the table holds only the token's SHA-256. A
session counts while its row exists and has not expired, so logging out
(deleting the row) ends it even for a copied cookie.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import UserSession
from eventsapp.config import ConfigError

TOKEN_BYTES = 32
#: How often a session's "last seen" may move: at most one write per session in this time.
SEEN_EVERY = timedelta(minutes=5)
_LOGIN_ID = re.compile(r"([1-9][0-9]{0,9}):([A-Za-z0-9_-]{32,64})")

# (label, what the User-Agent header holds), first match wins: Edge and
# Opera also say Chrome, Chrome also says Safari.
_BROWSERS = (("Edge", "Edg/"), ("Opera", "OPR/"), ("Firefox", "Firefox/"), ("Chrome", "Chrome/"), ("Safari", "Safari/"))
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("macOS", "Mac OS X"),
    ("ChromeOS", "CrOS"),
    ("Linux", "Linux"),
)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_key(login_id) -> tuple[int, str] | None:
    """(user id, the row's id) for a login id, or None for anything else."""
    if not isinstance(login_id, str):
        return None
    found = _LOGIN_ID.fullmatch(login_id)
    if found is None:
        return None
    return int(found.group(1)), _digest(found.group(2))


def describe_device(user_agent: str | None) -> str:
    """ "Firefox on Windows", from a User-Agent header: enough for a member
    to recognise a browser, and no more is kept."""
    agent = user_agent or ""
    browser = next((label for label, mark in _BROWSERS if mark in agent), "A browser")
    system = next((label for label, mark in _SYSTEMS if mark in agent), "")
    return f"{browser} on {system}" if system else browser


def open_session(
    session: Session, user_id: int, *, now: datetime, lifetime: timedelta, remembered: bool, user_agent: str | None
) -> str:
    """Start a session for the account and return its login id (commits)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        UserSession(
            id=_digest(token),
            user_id=user_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            remembered=remembered,
            device=describe_device(user_agent),
        )
    )
    session.commit()
    return f"{user_id}:{token}"


def end_session(session: Session, login_id) -> None:
    """Log out this browser: its session stops working wherever a copy of its cookie is (commits)."""
    key = session_key(login_id)
    if key is not None:
        session.execute(sa.delete(UserSession).where(UserSession.user_id == key[0], UserSession.id == key[1]))
        session.commit()


def end_sessions_of(session: Session, user_id: int, *, keep=None) -> int:
    """End every session of the account but `keep` (a login id), in the
    caller's transaction: a new password or a removal commits it."""
    statement = sa.delete(UserSession).where(UserSession.user_id == user_id)
    kept = session_key(keep)
    if kept is not None:
        statement = statement.where(UserSession.id != kept[1])
    return session.execute(statement).rowcount


def log_out_everywhere(session: Session, user_id: int) -> int:
    """End every session of the account, this browser's too (commits)."""
    ended = end_sessions_of(session, user_id)
    session.commit()
    return ended


def sessions_of(session: Session, user_id: int, now: datetime) -> list[UserSession]:
    """The account's live sessions, the most recently used first."""
    return list(
        session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.expires_at > now)
            .order_by(UserSession.last_seen_at.desc(), UserSession.id)
        )
    )


def is_remembered(session: Session, login_id) -> bool:
    """Whether this browser's session was started with "Keep me logged in"."""
    key = session_key(login_id)
    if key is None:
        return False
    return bool(session.scalar(sa.select(UserSession.remembered).where(UserSession.id == key[1])))


def is_current(row: UserSession, login_id) -> bool:
    key = session_key(login_id)
    return key is not None and key[1] == row.id


def note_seen(session: Session, login_id, now: datetime) -> None:
    """Move the session's "last seen" on, unless it moved in the last few minutes (commits)."""
    key = session_key(login_id)
    if key is None:
        return
    session.execute(
        sa.update(UserSession)
        .where(UserSession.id == key[1], UserSession.last_seen_at < now - SEEN_EVERY)
        .values(last_seen_at=now)
    )
    session.commit()


def purge_expired(session: Session, now: datetime) -> int:
    """Delete the rows of sessions that have expired (the worker's hourly job)."""
    purged = session.execute(sa.delete(UserSession).where(UserSession.expires_at <= now)).rowcount
    session.commit()
    return purged


def check_settings(config) -> None:
    """Refuse a session lifetime that is not a positive number of hours."""
    hours = config["SESSION_LIFETIME_HOURS"]
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= 24 * 366:
        raise ConfigError(f"SESSION_LIFETIME_HOURS={hours!r} is not a number of hours; use one such as 12.")
    if lifetime(config, remembered=True) <= timedelta(0):
        raise ConfigError("REMEMBER_COOKIE_DURATION must be a positive timedelta, such as timedelta(days=30).")


def lifetime(config, *, remembered: bool) -> timedelta:
    """How long a new session lasts: a remembered one as long as its cookie."""
    if not remembered:
        return timedelta(hours=config["SESSION_LIFETIME_HOURS"])
    duration = config["REMEMBER_COOKIE_DURATION"]
    # (Flask-Login also takes seconds.)
    return timedelta(seconds=duration) if isinstance(duration, int) else duration
