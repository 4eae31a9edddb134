"""Event invitations

Revision ID: 0021_event_invitations
Revises: 0020_mentorships
Create Date: 2026-12-04 14:00:00

A senior invites a connected intern to an upcoming event; the intern
answers going or not going. One invitation per event, senior and intern;
it goes with the event and with either account (CASCADE).
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_event_invitations"
down_revision = "0020_mentorships"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "event_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("senior_id", sa.Integer(), nullable=False),
        sa.Column("intern_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("senior_id <> intern_id", name=op.f("ck_event_invitation_two_people")),
        sa.CheckConstraint(
            "state = 'sent' OR answered_at IS NOT NULL", name=op.f("ck_event_invitation_answer_has_date")
        ),
        sa.CheckConstraint("state IN ('sent', 'going', 'not_going')", name=op.f("ck_event_invitation_state_known")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_event_invitation_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["intern_id"], ["user.id"], name=op.f("fk_event_invitation_intern_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["senior_id"], ["user.id"], name=op.f("fk_event_invitation_senior_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_invitation")),
        sa.UniqueConstraint("event_id", "senior_id", "intern_id", name="uq_event_invitation_once"),
    )
    with op.batch_alter_table("event_invitation", schema=None) as batch_op:
        batch_op.create_index("ix_event_invitation_intern_state", ["intern_id", "state"], unique=False)
        batch_op.create_index("ix_event_invitation_senior_state", ["senior_id", "state"], unique=False)


def downgrade():
    with op.batch_alter_table("event_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_event_invitation_senior_state")
        batch_op.drop_index("ix_event_invitation_intern_state")

    op.drop_table("event_invitation")
