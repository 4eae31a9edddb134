"""Attendance requirements

Revision ID: 0024_attendance_requirements
Revises: 0023_program_nudges
Create Date: 2026-12-04 15:20:00

A program may ask its residents and interns to attend a share of a
series' meetings (70% of grand rounds): a percentage from 1 to 100 on the
series, or none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0024_attendance_requirements"
down_revision = "0023_program_nudges"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series") as batch:
        batch.add_column(sa.Column("required_percent", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_series_required_percent_range"), "required_percent IS NULL OR required_percent BETWEEN 1 AND 100"
        )


def downgrade():
    with op.batch_alter_table("series") as batch:
        batch.drop_constraint(op.f("ck_series_required_percent_range"), type_="check")
        batch.drop_column("required_percent")
