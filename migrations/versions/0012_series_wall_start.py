"""Series keep the time of day the organizer entered

Revision ID: 0012_series_wall_start
Revises: 0011_user_name_key
Create Date: 2026-12-03 22:40:00

A weekly 02:30 meeting whose first date is the day the clocks go forward
starts at 03:30 that day and at 02:30 after: the first start alone no
longer says the rule's time. The start as entered, on the wall clock, is
kept beside it. Existing series are left empty and keep reading their rule
from their first start, as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_series_wall_start"
down_revision = "0011_user_name_key"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wall_start", sa.DateTime(timezone=False), nullable=True))


def downgrade():
    with op.batch_alter_table("series", schema=None) as batch_op:
        batch_op.drop_column("wall_start")
