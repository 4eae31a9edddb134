"""Introduction requests by status and expiry date

Revision ID: 0008_intro_status_expires
Revises: 0007_event_list_indexes
Create Date: 2026-11-30 09:30:00

People to meet and the introductions page first look for pending
requests past their date. On expiry date alone that is a walk over
every request ever answered (their dates are past too); with the status
first, it reads only the pending ones. It replaces the index on the
expiry date alone, which nothing else uses.
"""

from alembic import op

revision = "0008_intro_status_expires"
down_revision = "0007_event_list_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("intro_request", schema=None) as batch_op:
        batch_op.create_index("ix_intro_request_status_expires_at", ["status", "expires_at"], unique=False)
        batch_op.drop_index("ix_intro_request_expires_at")


def downgrade():
    with op.batch_alter_table("intro_request", schema=None) as batch_op:
        batch_op.create_index("ix_intro_request_expires_at", ["expires_at"], unique=False)
        batch_op.drop_index("ix_intro_request_status_expires_at")
