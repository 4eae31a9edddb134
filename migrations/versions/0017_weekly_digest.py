"""The weekly digest: each member's choice, and the digests sent

Revision ID: 0017_weekly_digest
Revises: 0016_event_fanout
Create Date: 2026-12-04 09:00:00

Members may turn off the weekly digest of next week's events; it is on for
everyone, existing members too. Each digest is kept under its key (member,
week), so none is sent twice, even by two workers at once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_weekly_digest"
down_revision = "0016_event_fanout"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("weekly_digest", sa.Boolean(), server_default=sa.text("true"), nullable=False))
    op.create_table(
        "weekly_digest",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_weekly_digest_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "week", name=op.f("pk_weekly_digest")),
    )
    with op.batch_alter_table("weekly_digest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_weekly_digest_week"), ["week"], unique=False)


def downgrade():
    op.drop_table("weekly_digest")
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_column("weekly_digest")
