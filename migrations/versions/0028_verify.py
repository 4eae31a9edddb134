"""Verified email addresses

Revision ID: 0028_verify
Revises: 0027_sessions
Create Date: 2026-12-04 19:40:00

A new account confirms its address by a mailed link before it may ask for
an introduction or see a connection's address (docs/accounts.md). Accounts
that exist at this upgrade count as confirmed at their creation, so nobody
already using the app is locked out of anything.
"""

import sqlalchemy as sa
from alembic import op

revision = "0028_verify"
down_revision = "0027_sessions"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("user", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.execute('UPDATE "user" SET email_verified_at = created_at')


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
