from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import NAME_MAX, User
from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow


class CheckInMethod:
    ORGANIZER = "organizer"
    QR = "qr"
    ALL = (ORGANIZER, QR)


class CheckIn(db.Model):
    """Someone was there. Kept apart from the RSVP: walk-ins have none."""

    __tablename__ = "check_in"
    __table_args__ = (
        # Scanning twice or two organizers at once: still one check-in.
        sa.UniqueConstraint("event_id", "user_id", name="uq_check_in_event_user"),
        sa.CheckConstraint(f"method IN {CheckInMethod.ALL!r}", name="method_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # A walk-in without an account is recorded by name.
    guest_name: Mapped[str | None] = mapped_column(sa.String(NAME_MAX))
    method: Mapped[str] = mapped_column(sa.String(16))
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
