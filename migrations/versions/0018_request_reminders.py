"""Reminders of introduction requests waiting for an answer

Revision ID: 0018_request_reminders
Revises: 0017_weekly_digest
Create Date: 2026-12-04 09:00:00

Seniors are reminded of a request still waiting for their answer (after 3
and 10 days); each member may turn these reminders off (on by default).
Each reminder sent is kept under its key (request, days after it was
sent), so none is sent twice; the keys go with their request.
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_request_reminders"
down_revision = "0017_weekly_digest"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("request_reminders", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
    op.create_table(
        "request_reminder",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("after_days", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["intro_request.id"],
            name=op.f("fk_request_reminder_request_id_intro_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("request_id", "after_days", name=op.f("pk_request_reminder")),
    )


def downgrade():
    op.drop_table("request_reminder")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_column("request_reminders")
