"""Mail waits in an outbox table

Revision ID: 0013_outbox_mail
Revises: 0012_series_wall_start
Create Date: 2026-12-04 05:13:26

Mail is stored in the transaction of the change that causes it and a
worker delivers it (docs/background.md), so a mail server that is down
loses nothing and a rolled-back change sends nothing.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_outbox_mail"
down_revision = "0012_series_wall_start"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("message_id", sa.String(length=250), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("message", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')", name=op.f("ck_outbox_mail_status_known")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_mail_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_outbox_mail_user_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_mail")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_mail_dedupe_key")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_mail_message_id")),
    )
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_mail_status_lease_until", ["status", "lease_until"], unique=False)
        batch_op.create_index("ix_outbox_mail_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_outbox_mail_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("outbox_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_mail_user_id"))
        batch_op.drop_index("ix_outbox_mail_status_next_attempt_at")
        batch_op.drop_index("ix_outbox_mail_status_lease_until")

    op.drop_table("outbox_mail")
