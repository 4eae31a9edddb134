"""Events by end and start, also by kind; by kind and start

Revision ID: 0007_event_list_indexes
Revises: 0006_rsvp_covering_index
Create Date: 2026-11-30 06:30:00

The event list counts the events not over yet (of a kind, when filtered)
and finds the earliest start among them, then reads the page in date
order from there. With end and start (and kind) in one index, the count
and that start come from the index alone; with kind and start, a page
of one kind is read in date order and stops at its end. They replace the
indexes on end and on kind alone, which they extend.
"""

from alembic import op

revision = "0007_event_list_indexes"
down_revision = "0006_rsvp_covering_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_ends_at_starts_at", ["ends_at", "starts_at"], unique=False)
        batch_op.create_index("ix_event_kind_ends_at_starts_at", ["kind", "ends_at", "starts_at"], unique=False)
        batch_op.create_index("ix_event_kind_starts_at", ["kind", "starts_at"], unique=False)
        batch_op.drop_index("ix_event_ends_at")
        batch_op.drop_index("ix_event_kind")


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.create_index("ix_event_kind", ["kind"], unique=False)
        batch_op.create_index("ix_event_ends_at", ["ends_at"], unique=False)
        batch_op.drop_index("ix_event_kind_starts_at")
        batch_op.drop_index("ix_event_kind_ends_at_starts_at")
        batch_op.drop_index("ix_event_ends_at_starts_at")
