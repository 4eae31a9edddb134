"""Events by kind: in date order, and counted by end

Revision ID: 0007_event_kind_starts_at
Revises: 0006_rsvp_covering_index
Create Date: 2026-11-30 06:30:00

The event list filtered by kind shows the next events of that kind: with
kind and start in one index it reads them in order and stops at the
page's end, instead of sorting every event of the kind; with kind and end
in another, it counts those not over from the index alone. They replace
the index on kind alone, which each extends.
"""
from alembic import op


revision = '0007_event_kind_starts_at'
down_revision = '0006_rsvp_covering_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_kind_starts_at', ['kind', 'starts_at'], unique=False)
        batch_op.create_index('ix_event_kind_ends_at', ['kind', 'ends_at'], unique=False)
        batch_op.drop_index('ix_event_kind')


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_kind', ['kind'], unique=False)
        batch_op.drop_index('ix_event_kind_ends_at')
        batch_op.drop_index('ix_event_kind_starts_at')
