"""Events by kind, by end

Revision ID: 0007_event_kind_ends_at
Revises: 0006_rsvp_covering_index
Create Date: 2026-11-30 06:30:00

The event list filtered by kind shows the events of that kind not over
yet: with kind and end in one index it finds them, and counts them, from
the index instead of reading every event of the kind. It replaces the
index on kind alone, which it extends.
"""
from alembic import op


revision = '0007_event_kind_ends_at'
down_revision = '0006_rsvp_covering_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_kind_ends_at', ['kind', 'ends_at'], unique=False)
        batch_op.drop_index('ix_event_kind')


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_kind', ['kind'], unique=False)
        batch_op.drop_index('ix_event_kind_ends_at')
