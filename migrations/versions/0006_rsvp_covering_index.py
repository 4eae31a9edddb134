"""Answers by event, covering who and where they may be approached

Revision ID: 0006_rsvp_covering_index
Revises: 0005_throttle
Create Date: 2026-11-30 06:20:00

The suggestions read, for every event a member goes to, who else goes and
whether they are happy to be approached there: with user and flag in the
index, that is read from the index alone instead of one table lookup per
answer. It replaces the (event, state) index, which it extends.
"""

from alembic import op

revision = "0006_rsvp_covering_index"
down_revision = "0005_throttle"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rsvp_event_state_user", ["event_id", "state", "user_id", "approachable"], unique=False
        )
        batch_op.drop_index("ix_rsvp_event_state")


def downgrade():
    with op.batch_alter_table("rsvp", schema=None) as batch_op:
        batch_op.create_index("ix_rsvp_event_state", ["event_id", "state"], unique=False)
        batch_op.drop_index("ix_rsvp_event_state_user")
