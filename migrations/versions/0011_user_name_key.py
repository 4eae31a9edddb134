"""Names sort alike everywhere: each account's name as lists sort it

Revision ID: 0011_user_name_key
Revises: 0010_event_answer_changes
Create Date: 2026-12-03 21:50:00

The admin list pages through accounts in the database, which compares
names code point by code point: "Élodie" came after "Zoe" there, while the
event page and the attendee sheet sort it among the Es. The key the app
sorts by is kept beside each name (filled here for existing accounts) and
indexed for the paged list.
"""

import sqlalchemy as sa
from alembic import op

from eventsapp.text import sort_key

revision = "0011_user_name_key"
down_revision = "0010_event_answer_changes"
branch_labels = None
depends_on = None

BATCH = 1000


def upgrade():
    op.add_column("user", sa.Column("name_key", sa.String(length=120), server_default="", nullable=False))
    connection = op.get_bind()
    users = sa.table(
        "user", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("name_key", sa.String)
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(users.c.id, users.c.name).where(users.c.id > last).order_by(users.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            users.update().where(users.c.id == sa.bindparam("user_id")).values(name_key=sa.bindparam("key")),
            [{"user_id": row.id, "key": sort_key(row.name or "")[:120]} for row in rows],
        )
        last = rows[-1].id
    op.create_index(op.f("ix_user_name_key"), "user", ["name_key"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_user_name_key"), table_name="user")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("name_key")
