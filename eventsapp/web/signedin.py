"""The signed-in member, loaded once per request with the counts the
navigation shows (unread notifications, introduction requests waiting for
their answer, whether they coordinate the program), in one query. The
login cookies hold a session's login id (accounts/sessions.py): a session
whose row is gone or expired signs nobody in."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_login import login_user, logout_user

from eventsapp.accounts import sessions
from eventsapp.accounts.models import User, UserSession
from eventsapp.extensions import db, login_manager
from eventsapp.introductions.waiting import waiting_count_of
from eventsapp.notifications.services import unread_count_of
from eventsapp.program.models import Coordinator
from eventsapp.timeutil import utcnow

#: Where Flask-Login keeps the id it loads the user by (here, the login id).
_LOGIN_KEY = "_user_id"


@functools.cache
def _user_query():
    """Built once, as every request runs it. Parameters user_id, session_id, now."""
    coordinates = sa.exists(sa.select(Coordinator.user_id).where(Coordinator.user_id == User.id))
    return (
        sa.select(
            User,
            UserSession.last_seen_at,
            unread_count_of(User.id).label("unread"),
            waiting_count_of(User.id).label("waiting"),
            coordinates.label("coordinates"),
        )
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            User.id == sa.bindparam("user_id"),
            UserSession.id == sa.bindparam("session_id"),
            UserSession.expires_at > sa.bindparam("now"),
        )
    )


@login_manager.user_loader
def load_user(login_id: str):
    key = sessions.session_key(login_id)
    if key is None:
        return None
    now = utcnow()
    row = db.session.execute(_user_query(), {"user_id": key[0], "session_id": key[1], "now": now}).first()
    if row is None:
        return None
    g.unread_notifications = (row.User.id, row.unread)
    g.requests_waiting = (row.User.id, row.waiting)
    g.coordinates = (row.User.id, bool(row.coordinates))
    g.session_seen_due = row.last_seen_at <= now - sessions.SEEN_EVERY
    return row.User


def current_login_id() -> str | None:
    """This browser's login id, when someone is signed in."""
    return session.get(_LOGIN_KEY)


def sign_in(user: User, *, remember: bool = False) -> None:
    """Start a session for this browser: a row, and its login id in the cookies."""
    login_id = sessions.open_session(
        db.session,
        user.id,
        now=utcnow(),
        lifetime=sessions.lifetime(current_app.config, remembered=remember),
        remembered=remember,
        user_agent=request.user_agent.string,
    )
    login_user(user, remember=remember)
    # Flask-Login stored the account's id; the cookies hold the session's
    # (the remember-me cookie is written from this at the end of the request).
    session[_LOGIN_KEY] = login_id


def sign_out() -> None:
    """End this browser's session on the server, then forget it here."""
    sessions.end_session(db.session, current_login_id())
    logout_user()


def note_activity(response):
    """After a successful change, move the session's "last seen" on (at
    most every few minutes; a GET never writes)."""
    if (
        request.method == "POST"
        and response.status_code < 400
        and g.get("session_seen_due")
        and not (db.session.new or db.session.dirty or db.session.deleted)
    ):
        g.session_seen_due = False
        sessions.note_seen(db.session, current_login_id(), utcnow())
    return response
