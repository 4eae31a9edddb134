"""Kept attendance counts

Revision ID: 0032_retention
Revises: 0031_audit
Create Date: 2026-12-04 23:00:00

When ATTENDEE_DATA_RETENTION_YEARS is set, the worker removes the answers,
check-ins and invitations of events that ended longer ago and keeps their
counts in this table (docs/retention.md). A new table: nothing to carry
over, and no row is removed by the upgrade itself.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_retention"
down_revision = "0031_audit"
branch_labels = None
depends_on = None

COUNTS = ("going", "waitlisted", "maybe", "declined", "checked_in", "guests", "came")


def upgrade():
    op.create_table(
        "kept_attendance",
        sa.Column("event_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), server_default="0", nullable=False) for name in COUNTS),
        sa.Column("purged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "going >= 0 AND waitlisted >= 0 AND maybe >= 0 AND declined >= 0 AND checked_in >= 0 AND guests >= 0",
            name=op.f("ck_kept_attendance_counts_not_negative"),
        ),
        sa.CheckConstraint(
            "came >= 0 AND came <= going AND came <= checked_in",
            name=op.f("ck_kept_attendance_came_of_going_and_checked_in"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_kept_attendance_event_id_event"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_kept_attendance")),
    )


def downgrade():
    # The counts go; the rows they stand for were removed already.
    op.drop_table("kept_attendance")
