"""Kept attendance counts

Revision ID: 0032_retention
Revises: 0031_audit
Create Date: 2026-12-04 23:00:00

When ATTENDEE_DATA_RETENTION_YEARS is set, the worker removes the answers,
check-ins and invitations of events that ended longer ago and keeps their
counts in this table (docs/retention.md), and records each removal in the
audit log: a new action the log's check constraint admits. A new table:
nothing to carry over, and no row is removed by the upgrade itself.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032_retention"
down_revision = "0031_audit"
branch_labels = None
depends_on = None

ACTIONS_BEFORE = (
    "role_changed",
    "coordinator_granted",
    "coordinator_revoked",
    "account_deleted",
    "export",
    "roster_imported",
    "new_device_sign_in",
    "people_lookup",
    "check_in_edited",
    "group_message",
)
ACTIONS = (*ACTIONS_BEFORE, "attendee_data_removed")
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
    _admit_actions(ACTIONS)


def _admit_actions(actions: tuple[str, ...]) -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_entry_action_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_audit_entry_action_known"), f"action IN {actions!r}")


def downgrade():
    # The counts go, and the entries recording removals (the old constraint
    # refuses them); the rows they stand for were removed already.
    op.execute(sa.text("DELETE FROM audit_entry WHERE action = 'attendee_data_removed'"))
    _admit_actions(ACTIONS_BEFORE)
    op.drop_table("kept_attendance")
