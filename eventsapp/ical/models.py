from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow


class CalendarFeed(db.Model):
    """A member's private subscription URL. The URL's token is never stored:
    it is an HMAC of `salt` under the app's SECRET_KEY, and only its SHA-256
    (for look-up) is kept, so a copy of the database opens no feed."""

    __tablename__ = "calendar_feed"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    salt: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
