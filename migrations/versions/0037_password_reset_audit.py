"""Password resets in the audit log

Revision ID: 0037_password_reset_audit
Revises: 0036_speed_private_help
Create Date: 2026-12-05 02:30:00

A member who forgot their password chooses a new one by a mailed link
(docs/accounts.md); each such reset is recorded in the audit log, a new
action its check constraint admits. No table changes, no row is touched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0037_password_reset_audit"
down_revision = "0036_speed_private_help"
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
    "attendee_data_removed",
)
ACTIONS = (*ACTIONS_BEFORE, "password_reset")


def _admit_actions(actions: tuple[str, ...]) -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_audit_entry_action_known"), type_="check")
        batch_op.create_check_constraint(op.f("ck_audit_entry_action_known"), f"action IN {actions!r}")


def upgrade():
    _admit_actions(ACTIONS)


def downgrade():
    # The entries recording resets go (the old constraint refuses them).
    op.execute(sa.text("DELETE FROM audit_entry WHERE action = 'password_reset'"))
    _admit_actions(ACTIONS_BEFORE)
