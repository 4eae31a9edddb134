"""Sign in with the hospital account

Revision ID: 0029_sso
Revises: 0028_verify
Create Date: 2026-12-04 19:45:00

An account's identities at OpenID providers (docs/sso.md): one row per
(issuer, subject), so the provider's subject finds the account again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0029_sso"
down_revision = "0028_verify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_user_identity_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_user_identity_issuer")),
    )
    with op.batch_alter_table("user_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_identity_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("user_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_identity_user_id"))
    op.drop_table("user_identity")
