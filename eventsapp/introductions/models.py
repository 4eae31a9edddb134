from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow

MESSAGE_MAX = 600
#: How many of one member's requests may wait for an answer at once.
MAX_PENDING = 5
#: How long a declined request keeps that colleague out of the requester's
#: suggestions, and from being asked again: six months.
DECLINE_COOLDOWN = timedelta(days=182)


class RequestStatus:
    PENDING = "pending"
    ACCEPTED = "accepted"  # a connection, until one side ends it
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    ENDED = "ended"
    ALL = (PENDING, ACCEPTED, DECLINED, EXPIRED, WITHDRAWN, ENDED)
    OPEN = (PENDING, ACCEPTED)


class IntroRequest(db.Model):
    __tablename__ = "intro_request"
    __table_args__ = (
        # The requests asked in the days after an event (the program's events page).
        sa.Index("ix_intro_request_created_at", "created_at"),
        sa.CheckConstraint("requester_id <> senior_id", name="not_to_self"),
        sa.CheckConstraint(f"status IN {RequestStatus.ALL!r}", name="status_known"),
        # At most one open request (pending or accepted) between two people.
        sa.Index(
            "uq_intro_request_open_pair",
            "requester_id",
            "senior_id",
            unique=True,
            sqlite_where=sa.text("status IN ('pending', 'accepted')"),
            postgresql_where=sa.text("status IN ('pending', 'accepted')"),
        ),
        sa.Index("ix_intro_request_senior_status", "senior_id", "status"),
        sa.Index("ix_intro_request_requester_status", "requester_id", "status"),
        # Pending requests past their date (looked for on every People page).
        sa.Index("ix_intro_request_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    senior_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    message: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    senior: Mapped[User] = relationship(foreign_keys=[senior_id])

    def status_at(self, now: datetime) -> str:
        """The status as people see it at `now`: a pending request past its
        date is expired, before any write says so (expire_stale)."""
        if self.status == RequestStatus.PENDING and self.expires_at <= now:
            return RequestStatus.EXPIRED
        return self.status


def waiting_at(now):
    """A condition on IntroRequest: still waiting for an answer at `now` (a
    value or a bound parameter), that is pending and not past its date.
    For someone's requests, found by their key: the date is tested on the
    rows found. (It is never null: coalesce only keeps SQLite, which has no
    statistics, from reading every request waiting in the hospital by
    status and date instead.)"""
    return sa.and_(
        IntroRequest.status == RequestStatus.PENDING,
        sa.func.coalesce(IntroRequest.expires_at, IntroRequest.created_at) > now,
    )
