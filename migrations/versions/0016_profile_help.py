"""The kinds of help members look for and offer

Revision ID: 0016_profile_help
Revises: 0015_event_messages
Create Date: 2026-12-04 09:30:00

Interns pick the help they look for, seniors what they offer (clinical
challenges, career and specialty choice, emotional support and work-life
balance, networking and opportunities; interns also "still exploring
specialties"). One row per choice; the kinds are checked by the database.
Existing profiles start with none, and rank as before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_profile_help"
down_revision = "0015_event_messages"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "profile_help",
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("offered", sa.Boolean(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('clinical', 'career', 'support', 'networking', 'exploring')",
            name=op.f("ck_profile_help_kind_known"),
        ),
        sa.CheckConstraint("NOT offered OR kind <> 'exploring'", name=op.f("ck_profile_help_exploring_only_asked")),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profile.user_id"], name=op.f("fk_profile_help_profile_id_profile"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("profile_id", "offered", "kind", name=op.f("pk_profile_help")),
    )


def downgrade():
    op.drop_table("profile_help")
