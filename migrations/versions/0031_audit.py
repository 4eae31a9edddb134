"""Audit log

Revision ID: 0031_audit
Revises: 0030_roster
Create Date: 2026-12-04 20:40:00

A new table of who did what, when and from where (docs/audit.md);
nothing to carry over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0031_audit"
down_revision = "0030_roster"
branch_labels = None
depends_on = None

ACTIONS = (
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


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=400), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.CheckConstraint(f"action IN {ACTIONS!r}", name=op.f("ck_audit_entry_action_known")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name=op.f("fk_audit_entry_actor_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_entry_actor_id"), ["actor_id"], unique=False)


def downgrade():
    op.drop_table("audit_entry")
