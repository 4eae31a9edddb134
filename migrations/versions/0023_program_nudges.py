"""Program nudges

Revision ID: 0023_program_nudges
Revises: 0022_program_coordinators
Create Date: 2026-12-04 15:30:00

Each nudge a coordinator sends an intern from Interns to reach: who sent
it, to whom, when (the list shows the latest; none twice in 7 days).
"""

import sqlalchemy as sa
from alembic import op

revision = "0023_program_nudges"
down_revision = "0022_program_coordinators"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "program_nudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intern_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intern_id"], ["user.id"], name=op.f("fk_program_nudge_intern_id_user"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user.id"], name=op.f("fk_program_nudge_sent_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_nudge")),
    )
    with op.batch_alter_table("program_nudge", schema=None) as batch_op:
        batch_op.create_index("ix_program_nudge_intern_sent", ["intern_id", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_program_nudge_sent_by_id"), ["sent_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("program_nudge", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_nudge_sent_by_id"))
        batch_op.drop_index("ix_program_nudge_intern_sent")
    op.drop_table("program_nudge")
