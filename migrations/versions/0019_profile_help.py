"""The kinds of help members look for and offer

Revision ID: 0019_profile_help
Revises: 0018_request_reminders
Create Date: 2026-12-04 09:30:00

Interns pick the help they look for, seniors what they offer (clinical
challenges 1, career and specialty choice 2, emotional support and
work-life balance 4, networking and opportunities 8; interns also "still
exploring specialties" 16), stored on the profile as the sum of the kinds'
numbers, which the database checks. Existing profiles start with none
(0), and rank as before. The index of seniors open to interns holds the
offers too: People to meet reads them with each candidate.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_profile_help"
down_revision = "0018_request_reminders"
branch_labels = None
depends_on = None

INDEXED = ["user_id", "career_stage", "attendance_visibility", "show_interests", "intro_capacity"]


def upgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("help_asked", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("help_offered", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint(op.f("ck_profile_help_asked_known"), "help_asked BETWEEN 0 AND 31")
        batch_op.create_check_constraint(op.f("ck_profile_help_offered_known"), "help_offered BETWEEN 0 AND 15")
        batch_op.drop_index("ix_profile_open_seniors")
        batch_op.create_index(
            "ix_profile_open_seniors",
            [*INDEXED, "help_offered"],
            unique=False,
            postgresql_where=sa.text("open_to_interns"),
            sqlite_where=sa.text("open_to_interns"),
        )


def downgrade():
    with op.batch_alter_table("profile", schema=None) as batch_op:
        batch_op.drop_index("ix_profile_open_seniors")
        batch_op.create_index(
            "ix_profile_open_seniors",
            INDEXED,
            unique=False,
            postgresql_where=sa.text("open_to_interns"),
            sqlite_where=sa.text("open_to_interns"),
        )
        batch_op.drop_constraint(op.f("ck_profile_help_offered_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_profile_help_asked_known"), type_="check")
        batch_op.drop_column("help_offered")
        batch_op.drop_column("help_asked")
