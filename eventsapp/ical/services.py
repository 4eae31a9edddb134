"""Feeds and their tokens: create, rotate, find."""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.ical import tokens
from eventsapp.ical.models import CalendarFeed
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write


def feed_token(feed: CalendarFeed) -> str:
    return _token(feed.salt)


def _token(salt: str) -> str:
    return tokens.token_for(current_app.config["SECRET_KEY"], salt)


def feed_of(session: Session, user_id: int) -> CalendarFeed | None:
    return session.get(CalendarFeed, user_id)


def create_or_rotate(session: Session, user: User) -> CalendarFeed:
    """A new private URL; the previous one (if any) stops working at once."""
    begin_write(session)
    feed = session.get(CalendarFeed, user.id) or CalendarFeed(user_id=user.id)
    feed.salt = tokens.new_salt()
    feed.token_hash = tokens.token_hash(_token(feed.salt))
    feed.created_at = utcnow()
    session.add(feed)
    session.commit()
    return feed


class FeedOwner(NamedTuple):
    id: int
    name: str


@cache
def _owner_query():
    """owner_of's statement, built once (parameter token_hash)."""
    return (
        sa.select(CalendarFeed.salt, User.id, User.name)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.token_hash == sa.bindparam("token_hash"))
    )


def owner_of(session: Session, token: str) -> FeedOwner | None:
    """The member a feed token belongs to. An unknown and a rotated token
    answer the same (None). One query, and only what a feed shows of its
    owner: calendar apps poll feeds more often than anyone opens a page."""
    if not token or len(token) > 100:
        return None
    row = session.execute(_owner_query(), {"token_hash": tokens.token_hash(token)}).first()
    if row is None or not tokens.same(_token(row.salt), token):
        return None
    return FeedOwner(row.id, row.name)
