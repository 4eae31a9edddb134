"""A roster upload waiting for its preview to be confirmed, and the
invitations an import sends to the accounts it creates."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime

FILENAME_MAX = 200


class RosterImport(db.Model):
    """One uploaded file. Its bytes are kept until it is imported (then
    dropped: the accounts hold what counted) or until it expires; the row
    stays, so the roster page can filter people by the import that invited them."""

    __tablename__ = "roster_import"
    __table_args__ = (
        sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),
        sa.CheckConstraint("created >= 0 AND updated >= 0", name="counts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(FILENAME_MAX), default="", server_default="")
    data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    rows: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[int] = mapped_column(default=0, server_default="0")
    updated: Mapped[int] = mapped_column(default=0, server_default="0")


class RosterInvitation(db.Model):
    """The invitation of an account an import created: one per account. The
    link's token is stored only as its SHA-256; a new link (the first, or
    one asked for again) is waiting for the worker while `token_hash` is
    empty, and the old one then no longer works. Accepting sets the password
    and `accepted_at`."""

    __tablename__ = "roster_invitation"
    __table_args__ = (
        sa.CheckConstraint(
            "token_hash IS NULL OR (sent_at IS NOT NULL AND expires_at > sent_at)", name="sent_link_expires"
        ),
        sa.CheckConstraint("sends >= 0", name="sends_not_negative"),
        # The worker's queue: links waiting to be mailed.
        sa.Index(
            "ix_roster_invitation_waiting",
            "asked_at",
            postgresql_where=sa.text("token_hash IS NULL"),
            sqlite_where=sa.text("token_hash IS NULL"),
        ),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("roster_import.id", ondelete="SET NULL"), index=True)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the current link was asked for (the import, or a resend): resends are spaced from it.
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    sends: Mapped[int] = mapped_column(default=0, server_default="0")  # links mailed so far
