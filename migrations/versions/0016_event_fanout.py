"""Members are told of a change or cancellation by the worker

Revision ID: 0016_event_fanout
Revises: 0015_event_messages
Create Date: 2026-12-04 09:00:00

The organizer's request stores one row per changed or cancelled meeting, in
its transaction; the worker turns each into the members' notices and mails
and deletes it. A row outlives its event's deletion without it (SET NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_event_fanout"
down_revision = "0015_event_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_fanout",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), server_default="", nullable=False),
        sa.CheckConstraint("kind IN ('changed', 'cancelled')", name=op.f("ck_event_fanout_kind_known")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_event_fanout_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_fanout_event_id_event"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_fanout")),
    )
    with op.batch_alter_table("event_fanout", schema=None) as batch_op:
        batch_op.create_index("ix_event_fanout_batch_position", ["batch", "position"], unique=False)
        batch_op.create_index("ix_event_fanout_position_next_attempt_at", ["position", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_fanout_event_id"), ["event_id"], unique=False)


def downgrade():
    op.drop_table("event_fanout")
