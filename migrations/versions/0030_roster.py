"""Class rosters

Revision ID: 0030_roster
Revises: 0029_sso
Create Date: 2026-12-04 19:30:00

A coordinator's uploaded roster waits as a row until its preview is
confirmed; the accounts an import creates get an invitation each (its
token stored as a SHA-256), mailed by the worker from a queue (the rows
without a token yet). Both tables are new: nothing to carry over.
"""

import sqlalchemy as sa
from alembic import op

revision = "0030_roster"
down_revision = "0029_sso"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), server_default="", nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("rows", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint("expires_at > created_at", name=op.f("ck_roster_import_expires_after_created")),
        sa.CheckConstraint("created >= 0 AND updated >= 0", name=op.f("ck_roster_import_counts_not_negative")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_roster_import_uploaded_by_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_import")),
    )
    with op.batch_alter_table("roster_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_import_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_import_uploaded_by_id"), ["uploaded_by_id"], unique=False)
    op.create_table(
        "roster_invitation",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sends", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "token_hash IS NULL OR (sent_at IS NOT NULL AND expires_at > sent_at)",
            name=op.f("ck_roster_invitation_sent_link_expires"),
        ),
        sa.CheckConstraint("sends >= 0", name=op.f("ck_roster_invitation_sends_not_negative")),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["roster_import.id"],
            name=op.f("fk_roster_invitation_import_id_roster_import"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["user.id"], name=op.f("fk_roster_invitation_sent_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_roster_invitation_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_roster_invitation")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_roster_invitation_token_hash")),
    )
    with op.batch_alter_table("roster_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_invitation_accepted_at"), ["accepted_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_invitation_import_id"), ["import_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_roster_invitation_sent_by_id"), ["sent_by_id"], unique=False)
        batch_op.create_index(
            "ix_roster_invitation_waiting",
            ["asked_at"],
            unique=False,
            postgresql_where=sa.text("token_hash IS NULL"),
            sqlite_where=sa.text("token_hash IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("roster_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_roster_invitation_waiting")
        batch_op.drop_index(batch_op.f("ix_roster_invitation_sent_by_id"))
        batch_op.drop_index(batch_op.f("ix_roster_invitation_import_id"))
        batch_op.drop_index(batch_op.f("ix_roster_invitation_accepted_at"))
    op.drop_table("roster_invitation")
    with op.batch_alter_table("roster_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_import_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_roster_import_expires_at"))
    op.drop_table("roster_import")
