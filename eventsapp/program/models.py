"""Program coordinators, granted by admins: for the whole hospital, or
limited to the departments listed for them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow

coordinator_department = sa.Table(
    "coordinator_department",
    db.metadata,
    sa.Column("user_id", sa.ForeignKey("coordinator.user_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("department_id", sa.ForeignKey("department.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Coordinator(db.Model):
    """A member who may see the program pages. An account deleted takes its
    grant with it; the admin who granted it may leave (SET NULL)."""

    __tablename__ = "coordinator"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Said, never inferred from an empty list: a coordinator whose departments
    # were all removed sees no intern, not every one.
    whole_hospital: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))


class Nudge(db.Model):
    """A coordinator's nudge to an intern: who sent it, to whom, when. The
    intern's account deleted takes its nudges along; the sender's leaves
    them unsigned (SET NULL)."""

    __tablename__ = "program_nudge"
    __table_args__ = (sa.Index("ix_program_nudge_intern_sent", "intern_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    intern_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
