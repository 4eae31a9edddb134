"""Program indexes

Revision ID: 0026_program_indexes
Revises: 0025_waitlist_peak
Create Date: 2026-12-04 16:40:00

At 20,000 people the program pages read a series' meetings in a span for
every resident and intern (attendance requirements), and the requests
asked in the week after each event (events that make introductions):
without these indexes each of those is a pass over every event or every
request (docs/benchmark.md).
"""

from alembic import op

revision = "0026_program_indexes"
down_revision = "0025_waitlist_peak"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_series_status_starts_at", "event", ["series_id", "status", "starts_at"])
    op.create_index("ix_intro_request_created_at", "intro_request", ["created_at"])


def downgrade():
    op.drop_index("ix_intro_request_created_at", table_name="intro_request")
    op.drop_index("ix_event_series_status_starts_at", table_name="event")
