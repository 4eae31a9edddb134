"""Mentorships

Revision ID: 0020_mentorships
Revises: 0019_profile_help
Create Date: 2026-12-04 08:40:00

An accepted introduction becomes a mentorship when either member answers
"we met". The answers (one per person per introduction), the mentorships
(one per introduction), their meetings and each author's private notes;
the worker's follow-ups sent (one per kind, member and occasion) and the
kinds each member turned off.
A member's deleted account empties their side of a mentorship (SET NULL)
and takes their notes and answers with it (CASCADE).
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_mentorships"
down_revision = "0019_profile_help"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mentorship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intro_request_id", sa.Integer(), nullable=True),
        sa.Column("intern_id", sa.Integer(), nullable=True),
        sa.Column("mentor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("goals", sa.Text(), server_default="", nullable=False),
        sa.Column("goals_comment", sa.Text(), server_default="", nullable=False),
        sa.Column("rhythm", sa.String(length=16), server_default="monthly", nullable=False),
        sa.Column("next_meeting_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_meeting_zone", sa.String(length=64), server_default="", nullable=False),
        sa.Column("next_meeting_place", sa.String(length=200), server_default="", nullable=False),
        sa.Column("next_meeting_sequence", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("close_reason", sa.String(length=16), nullable=True),
        sa.Column("thank_you", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "close_reason IS NULL OR close_reason IN ('goals_met', 'not_meeting', 'moved_on', 'other', 'left', 'ended')",
            name=op.f("ck_mentorship_reason_known"),
        ),
        sa.CheckConstraint("rhythm IN ('monthly', 'bimonthly', 'quarterly')", name=op.f("ck_mentorship_rhythm_known")),
        sa.CheckConstraint("status = 'active' OR closed_at IS NOT NULL", name=op.f("ck_mentorship_closed_has_date")),
        sa.CheckConstraint("status IN ('active', 'closed')", name=op.f("ck_mentorship_status_known")),
        sa.CheckConstraint("intern_id <> mentor_id", name=op.f("ck_mentorship_two_people")),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user.id"], name=op.f("fk_mentorship_closed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["intern_id"], ["user.id"], name=op.f("fk_mentorship_intern_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["intro_request_id"],
            ["intro_request.id"],
            name=op.f("fk_mentorship_intro_request_id_intro_request"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["user.id"], name=op.f("fk_mentorship_mentor_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship")),
        sa.UniqueConstraint("intro_request_id", name=op.f("uq_mentorship_intro_request_id")),
    )
    with op.batch_alter_table("mentorship", schema=None) as batch_op:
        batch_op.create_index("ix_mentorship_intern_status", ["intern_id", "status"], unique=False)
        batch_op.create_index("ix_mentorship_mentor_status", ["mentor_id", "status"], unique=False)

    op.create_table(
        "met_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intro_request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("answer IN ('met', 'plan', 'not_yet')", name=op.f("ck_met_answer_answer_known")),
        sa.ForeignKeyConstraint(
            ["intro_request_id"],
            ["intro_request.id"],
            name=op.f("fk_met_answer_intro_request_id_intro_request"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_met_answer_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_met_answer")),
        sa.UniqueConstraint("intro_request_id", "user_id", name="uq_met_answer_person"),
    )
    with op.batch_alter_table("met_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_met_answer_user_id"), ["user_id"], unique=False)

    op.create_table(
        "mentorship_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("met_on", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("logged_by_id", sa.Integer(), nullable=True),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "place IN ('event', 'coffee', 'video', 'on_shift')", name=op.f("ck_mentorship_meeting_place_known")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_mentorship_meeting_event_id_event"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["logged_by_id"], ["user.id"], name=op.f("fk_mentorship_meeting_logged_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorship.id"],
            name=op.f("fk_mentorship_meeting_mentorship_id_mentorship"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_meeting")),
    )
    with op.batch_alter_table("mentorship_meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorship_meeting_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_mentorship_meeting_logged_by_id"), ["logged_by_id"], unique=False)
        batch_op.create_index("ix_mentorship_meeting_mentorship_met_on", ["mentorship_id", "met_on"], unique=False)

    op.create_table(
        "mentorship_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_mentorship_note_author_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["mentorship_meeting.id"],
            name=op.f("fk_mentorship_note_meeting_id_mentorship_meeting"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship_note")),
        sa.UniqueConstraint("meeting_id", "author_id", name="uq_mentorship_note_author"),
    )
    with op.batch_alter_table("mentorship_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorship_note_author_id"), ["author_id"], unique=False)
    op.create_table(
        "mentorship_followup",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('did_you_meet', 'overdue', 'quiet')", name=op.f("ck_mentorship_followup_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_mentorship_followup_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("kind", "user_id", "ref", name=op.f("pk_mentorship_followup")),
    )
    with op.batch_alter_table("mentorship_followup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentorship_followup_user_id"), ["user_id"], unique=False)
    op.create_table(
        "mentorship_followup_off",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "kind IN ('did_you_meet', 'overdue', 'quiet')", name=op.f("ck_mentorship_followup_off_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_mentorship_followup_off_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_mentorship_followup_off")),
    )


def downgrade():
    op.drop_table("mentorship_followup_off")
    op.drop_table("mentorship_followup")
    with op.batch_alter_table("mentorship_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentorship_note_author_id"))

    op.drop_table("mentorship_note")
    with op.batch_alter_table("mentorship_meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_mentorship_meeting_mentorship_met_on")
        batch_op.drop_index(batch_op.f("ix_mentorship_meeting_logged_by_id"))
        batch_op.drop_index(batch_op.f("ix_mentorship_meeting_event_id"))

    op.drop_table("mentorship_meeting")
    with op.batch_alter_table("met_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_met_answer_user_id"))

    op.drop_table("met_answer")
    with op.batch_alter_table("mentorship", schema=None) as batch_op:
        batch_op.drop_index("ix_mentorship_mentor_status")
        batch_op.drop_index("ix_mentorship_intern_status")

    op.drop_table("mentorship")
