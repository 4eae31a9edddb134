"""Program coordinators

Revision ID: 0022_program_coordinators
Revises: 0021_event_invitations
Create Date: 2026-12-04 14:00:00

Admins grant members the right to see the program pages, for the whole
hospital (said in its own column) or for the departments listed in
coordinator_department. A deleted account or department takes its rows
with it; a coordinator left with no department sees no intern.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_program_coordinators"
down_revision = "0021_event_invitations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "coordinator",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("whole_hospital", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_coordinator_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["user.id"], name=op.f("fk_coordinator_granted_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_coordinator")),
    )
    op.create_table(
        "coordinator_department",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["coordinator.user_id"],
            name=op.f("fk_coordinator_department_user_id_coordinator"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_coordinator_department_department_id_department"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "department_id", name=op.f("pk_coordinator_department")),
    )
    op.create_index(
        op.f("ix_coordinator_department_department_id"), "coordinator_department", ["department_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_coordinator_department_department_id"), table_name="coordinator_department")
    op.drop_table("coordinator_department")
    op.drop_table("coordinator")
