"""The signed-in member, loaded once per request with the counts the
navigation shows (unread notifications, introduction requests waiting for
their answer, whether they coordinate the program), in one query."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import g

from eventsapp.accounts.models import User
from eventsapp.extensions import db, login_manager
from eventsapp.introductions.waiting import waiting_count_of
from eventsapp.notifications.services import unread_count_of
from eventsapp.program.models import Coordinator
from eventsapp.timeutil import utcnow


@functools.cache
def _user_query():
    """Built once, as every request runs it. Parameters user_id, now."""
    coordinates = sa.exists(sa.select(Coordinator.user_id).where(Coordinator.user_id == User.id))
    return sa.select(
        User,
        unread_count_of(User.id).label("unread"),
        waiting_count_of(User.id).label("waiting"),
        coordinates.label("coordinates"),
    ).where(User.id == sa.bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id: str):
    if not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 10:
        return None
    row = db.session.execute(_user_query(), {"user_id": int(user_id), "now": utcnow()}).first()
    if row is None:
        return None
    g.unread_notifications = (row.User.id, row.unread)
    g.requests_waiting = (row.User.id, row.waiting)
    g.coordinates = (row.User.id, bool(row.coordinates))
    return row.User
