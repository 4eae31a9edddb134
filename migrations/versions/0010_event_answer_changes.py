"""Events count changes of answers, for one calendar SEQUENCE per event

Revision ID: 0010_event_answer_changes
Revises: 0009_profile_open_seniors
Create Date: 2026-12-03 21:45:00

An event's download, the members' feeds and the mails' attachments now
carry the same SEQUENCE: the event's revision plus every change of answer
to it. Existing events start from the sum of their answers' revisions, so
no SEQUENCE a member already received goes down (a member's copy used to
count the event's revision plus their own answer's).
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_event_answer_changes"
down_revision = "0009_profile_open_seniors"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_changes", sa.Integer(), server_default="0", nullable=False))
    op.execute(
        "UPDATE event SET answer_changes = COALESCE("
        "(SELECT SUM(rsvp.revision) FROM rsvp WHERE rsvp.event_id = event.id), 0)"
    )


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("answer_changes")
