from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime


class Action:
    """The fixed list of what the log records (the database refuses others)."""

    ROLE_CHANGED = "role_changed"
    COORDINATOR_GRANTED = "coordinator_granted"
    COORDINATOR_REVOKED = "coordinator_revoked"
    ACCOUNT_DELETED = "account_deleted"
    EXPORT = "export"
    ROSTER_IMPORTED = "roster_imported"
    NEW_DEVICE = "new_device_sign_in"
    PEOPLE_LOOKUP = "people_lookup"
    CHECK_IN = "check_in_edited"
    GROUP_MESSAGE = "group_message"
    ATTENDEE_DATA_REMOVED = "attendee_data_removed"
    RESET_BY_MAIL = "password_reset"
    LABELS = {
        ROLE_CHANGED: "Role changed",
        COORDINATOR_GRANTED: "Coordinator granted",
        COORDINATOR_REVOKED: "Coordinator revoked",
        ACCOUNT_DELETED: "Account deleted",
        EXPORT: "Data exported",
        ROSTER_IMPORTED: "Roster imported",
        NEW_DEVICE: "Sign-in from a new device",
        PEOPLE_LOOKUP: "People looked up",
        CHECK_IN: "Check-in edited",
        GROUP_MESSAGE: "Message to a group",
        ATTENDEE_DATA_REMOVED: "Attendee data removed",
        RESET_BY_MAIL: "Password reset by mailed link",
    }
    ALL = tuple(LABELS)


class AuditEntry(db.Model):
    """One thing done: kept with the actor's name at the time, so the entry
    outlives the account."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.CheckConstraint(f"action IN {Action.ALL!r}", name="action_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(400), default="")
    action: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    detail: Mapped[str] = mapped_column(sa.String(300), default="")
    address: Mapped[str | None] = mapped_column(sa.String(45))
