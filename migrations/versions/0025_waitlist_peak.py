"""Waitlist peaks

Revision ID: 0025_waitlist_peak
Revises: 0024_attendance_requirements
Create Date: 2026-12-04 16:40:00

The most people on an event's waitlist at once. Nothing before kept the
waitlist's history, so an event that already had answers starts from the
waitlist it has now, marked as counted from this migration on.
"""

import sqlalchemy as sa
from alembic import op

revision = "0025_waitlist_peak"
down_revision = "0024_attendance_requirements"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("waitlist_peak", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(
            sa.Column("waitlist_peak_complete", sa.Boolean(), server_default=sa.text("true"), nullable=False)
        )
        batch.create_check_constraint(op.f("ck_event_waitlist_peak_not_negative"), "waitlist_peak >= 0")
    op.execute(
        "UPDATE event SET waitlist_peak = (SELECT count(*) FROM rsvp"
        " WHERE rsvp.event_id = event.id AND rsvp.state = 'waitlisted'),"
        " waitlist_peak_complete = NOT EXISTS (SELECT 1 FROM rsvp WHERE rsvp.event_id = event.id)"
    )


def downgrade():
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint(op.f("ck_event_waitlist_peak_not_negative"), type_="check")
        batch.drop_column("waitlist_peak_complete")
        batch.drop_column("waitlist_peak")
