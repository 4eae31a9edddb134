"""Kept count of speed-mentoring pairs

Revision ID: 0034_kept_speed_pairs
Revises: 0033_speed
Create Date: 2026-12-05 00:00:00

Retention now removes a purged event's speed-mentoring seats and answers
too; the event keeps how many pairs met there, beside its other counts.
A new column, 0 for the rows already kept (no speed mentoring was purged
before): nothing to carry over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0034_kept_speed_pairs"
down_revision = "0033_speed"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("kept_attendance", schema=None) as batch:
        batch.add_column(sa.Column("speed_pairs", sa.Integer(), server_default="0", nullable=False))
        batch.create_check_constraint(op.f("ck_kept_attendance_speed_pairs_not_negative"), "speed_pairs >= 0")


def downgrade():
    with op.batch_alter_table("kept_attendance", schema=None) as batch:
        batch.drop_constraint(op.f("ck_kept_attendance_speed_pairs_not_negative"), type_="check")
        batch.drop_column("speed_pairs")
