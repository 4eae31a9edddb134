"""Sessions that end

Revision ID: 0027_sessions
Revises: 0026_program_indexes
Create Date: 2026-12-04 16:40:00

Each signed-in browser gets a row, so that logging out, logging out
everywhere, a new password and an admin's removal end sessions on the
server (docs/sessions.md). The id is a hash of the browser's token.
"""

import sqlalchemy as sa
from alembic import op

revision = "0027_sessions"
down_revision = "0026_program_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remembered", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("device", sa.String(length=80), server_default="", nullable=False),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_user_session_expires_after_created")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_session_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_session_expires_at"))
    op.drop_table("user_session")
