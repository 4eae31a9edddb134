"""Speed mentoring

Revision ID: 0033_speed
Revises: 0032_retention
Create Date: 2026-12-04 23:20:00

Three new tables: an event's speed-mentoring settings, its seats round by
round, and the participants' wishes to meet again; nothing to carry over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0033_speed"
down_revision = "0032_retention"
branch_labels = None
depends_on = None


def _when(name, nullable=True):
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade():
    op.create_table(
        "speed_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("round_minutes", sa.Integer(), nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=False),
        sa.Column("tables", sa.Integer(), nullable=False),
        sa.Column("seats_per_table", sa.Integer(), nullable=False),
        sa.Column("current_round", sa.Integer(), server_default="0", nullable=False),
        _when("round_started_at"),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        _when("planned_at"),
        sa.Column("planned_from_check_in", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("quality_total", sa.Float(), nullable=True),
        sa.Column("quality_greedy", sa.Float(), nullable=True),
        sa.Column("quality_top_two", sa.Float(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.CheckConstraint("rounds BETWEEN 1 AND 20", name=op.f("ck_speed_session_rounds_range")),
        sa.CheckConstraint("round_minutes BETWEEN 2 AND 60", name=op.f("ck_speed_session_round_minutes_range")),
        sa.CheckConstraint("break_minutes BETWEEN 0 AND 30", name=op.f("ck_speed_session_break_minutes_range")),
        sa.CheckConstraint("tables BETWEEN 1 AND 200", name=op.f("ck_speed_session_tables_range")),
        sa.CheckConstraint("seats_per_table BETWEEN 1 AND 10", name=op.f("ck_speed_session_seats_range")),
        sa.CheckConstraint("current_round BETWEEN 0 AND rounds", name=op.f("ck_speed_session_current_round_range")),
        sa.CheckConstraint(
            "current_round = 0 OR round_started_at IS NOT NULL", name=op.f("ck_speed_session_started_round_has_time")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_speed_session_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_speed_session_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speed_session")),
        sa.UniqueConstraint("event_id", name=op.f("uq_speed_session_event_id")),
    )
    op.create_table(
        "speed_seat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("table_no", sa.Integer(), nullable=False),
        sa.Column("senior_id", sa.Integer(), nullable=False),
        sa.Column("intern_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), server_default="0", nullable=False),
        sa.Column("reason", sa.String(length=300), server_default="", nullable=False),
        sa.CheckConstraint("round >= 1", name=op.f("ck_speed_seat_round_positive")),
        sa.CheckConstraint("table_no >= 1", name=op.f("ck_speed_seat_table_positive")),
        sa.CheckConstraint("intern_id <> senior_id", name=op.f("ck_speed_seat_not_self")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["speed_session.id"],
            name=op.f("fk_speed_seat_session_id_speed_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["senior_id"], ["user.id"], name=op.f("fk_speed_seat_senior_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["intern_id"], ["user.id"], name=op.f("fk_speed_seat_intern_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speed_seat")),
        sa.UniqueConstraint("session_id", "round", "intern_id", name="uq_speed_seat_intern_round"),
        sa.UniqueConstraint("session_id", "intern_id", "senior_id", name="uq_speed_seat_pair"),
    )
    with op.batch_alter_table("speed_seat", schema=None) as batch_op:
        batch_op.create_index("ix_speed_seat_session_round_table", ["session_id", "round", "table_no"], unique=False)
        batch_op.create_index("ix_speed_seat_senior_id", ["senior_id"], unique=False)
        batch_op.create_index("ix_speed_seat_intern_id", ["intern_id"], unique=False)
    op.create_table(
        "speed_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("from_id", sa.Integer(), nullable=False),
        sa.Column("to_id", sa.Integer(), nullable=False),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("intro_request_id", sa.Integer(), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        sa.CheckConstraint("from_id <> to_id", name=op.f("ck_speed_follow_up_not_self")),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["speed_session.id"],
            name=op.f("fk_speed_follow_up_session_id_speed_session"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_id"], ["user.id"], name=op.f("fk_speed_follow_up_from_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["to_id"], ["user.id"], name=op.f("fk_speed_follow_up_to_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["intro_request_id"],
            ["intro_request.id"],
            name=op.f("fk_speed_follow_up_intro_request_id_intro_request"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_speed_follow_up")),
        sa.UniqueConstraint("session_id", "from_id", "to_id", name="uq_speed_follow_up_pair"),
    )
    with op.batch_alter_table("speed_follow_up", schema=None) as batch_op:
        batch_op.create_index("ix_speed_follow_up_to_id", ["to_id"], unique=False)


def downgrade():
    op.drop_table("speed_follow_up")
    op.drop_table("speed_seat")
    op.drop_table("speed_session")
