"""Speed-mentoring departures, undoing a round's start, the plan's compared rounds

Revision ID: 0035_speed_departures
Revises: 0034_kept_speed_pairs
Create Date: 2026-12-05 01:00:00

An organizer can now mark a participant as having left the evening (a
row per session and person, so a re-plan leaves them out), undo a round
started by mistake (the round before's start time is kept to restore
it), and the page says from which round the plan's quality compares.
New table and two nullable columns: nothing to carry over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035_speed_departures"
down_revision = "0034_kept_speed_pairs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "speed_departure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["speed_session.id"],
            name=op.f("fk_speed_departure_session_id_speed_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_speed_departure_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speed_departure")),
        sa.UniqueConstraint("session_id", "user_id", name="uq_speed_departure_person"),
    )
    with op.batch_alter_table("speed_departure", schema=None) as batch:
        batch.create_index("ix_speed_departure_user_id", ["user_id"], unique=False)
    with op.batch_alter_table("speed_session", schema=None) as batch:
        batch.add_column(sa.Column("previous_round_started_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("quality_from_round", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("speed_session", schema=None) as batch:
        batch.drop_column("quality_from_round")
        batch.drop_column("previous_round_started_at")
    op.drop_table("speed_departure")
