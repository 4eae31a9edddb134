"""Organizers' messages to an event's members

Revision ID: 0015_event_messages
Revises: 0014_event_reminders
Create Date: 2026-12-04 06:20:00

Each message an organizer sends to those going (or waitlisted) is kept:
the attendee sheet lists them, and they count against the daily limit.
The sender is kept as NULL when their account is deleted; the messages go
with their event.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_event_messages"
down_revision = "0014_event_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("audience IN ('going', 'waitlisted')", name=op.f("ck_event_message_audience_known")),
        sa.CheckConstraint("recipients >= 0", name=op.f("ck_event_message_recipients_not_negative")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_message_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["user.id"], name=op.f("fk_event_message_sender_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_message")),
    )
    with op.batch_alter_table("event_message", schema=None) as batch_op:
        batch_op.create_index("ix_event_message_event_id_sent_at", ["event_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_event_message_sender_id"), ["sender_id"], unique=False)


def downgrade():
    op.drop_table("event_message")
