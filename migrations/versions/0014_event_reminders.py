"""Event reminders: each member's choice, and the reminders sent

Revision ID: 0014_event_reminders
Revises: 0013_outbox_mail
Create Date: 2026-12-04 06:00:00

Members choose when they are reminded of the events they are going to
(off, 1 hour, 24 hours or both before); existing members get the default,
24 hours. Each reminder sent is kept under its key (member, event, start
time, lead), so none is sent twice and a new start time arms it again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_event_reminders"
down_revision = "0013_outbox_mail"
branch_labels = None
depends_on = None

CHOICES = "('off', '1 hour', '24 hours', 'both')"


def upgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("event_reminders", sa.String(length=16), server_default="24 hours", nullable=False)
        )
        batch_op.create_check_constraint(op.f("ck_profile_event_reminders_known"), f"event_reminders IN {CHOICES}")
    op.create_table(
        "event_reminder",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lead_minutes", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_reminder_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_event_reminder_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "event_id", "starts_at", "lead_minutes", name=op.f("pk_event_reminder")),
    )
    with op.batch_alter_table("event_reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_reminder_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_reminder_starts_at"), ["starts_at"], unique=False)


def downgrade():
    op.drop_table("event_reminder")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_profile_event_reminders_known"), type_="check")
        batch_op.drop_column("event_reminders")
