"""The seniors who may be suggested, indexed with what suggestions test

Revision ID: 0009_profile_open_seniors
Revises: 0008_intro_status_expires
Create Date: 2026-11-30 09:30:00

The event list (colleagues going who share the member's interests),
the event page and People to meet check each person who answered an
event against the rules for suggesting them. Most are not seniors open
to interns; with their profiles in a partial index holding the columns
those rules read, PostgreSQL answers from the index alone (SQLite looks
profiles up by key either way).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_profile_open_seniors"
down_revision = "0008_intro_status_expires"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.create_index(
            "ix_profile_open_seniors",
            ["user_id", "career_stage", "attendance_visibility", "show_interests", "intro_capacity"],
            unique=False,
            postgresql_where=sa.text("open_to_interns"),
            sqlite_where=sa.text("open_to_interns"),
        )


def downgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_profile_open_seniors",
            postgresql_where=sa.text("open_to_interns"),
            sqlite_where=sa.text("open_to_interns"),
        )
