"""Speed mentoring keeps what an intern looks for private

Revision ID: 0036_speed_private_help
Revises: 0035_speed_departures
Create Date: 2026-12-05 01:00:00

A seat's stored reason is read by the senior, the organizer, the print-out
and the senior's data download, so it now names only the interests both
show; the help part ("offers career advice", which tells what the intern
looks for) is written on the intern's own phone from the profiles. Reasons
already stored lose that part here (the intern's phone still shows it).

`speed_follow_up.told_at`: when the intern was told of a senior's yes, so
they are told once per evening however often the answer changes. Yes
answers already given were told when given.
"""

import sqlalchemy as sa
from alembic import op

revision = "0036_speed_private_help"
down_revision = "0035_speed_departures"
branch_labels = None
depends_on = None

NOTHING_SHARED = "No shared interests listed: a chance to hear about another field"


def _shared_part(reason: str) -> str:
    """The reason without the help part, as pairing.reason now writes it."""
    if reason.startswith("Offers "):
        return NOTHING_SHARED
    return reason.split("; offers ", 1)[0]


def upgrade():
    with op.batch_alter_table("speed_follow_up", schema=None) as batch:
        batch.add_column(sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE speed_follow_up SET told_at = updated_at WHERE again")
    bind = op.get_bind()
    seat = sa.table("speed_seat", sa.column("id", sa.Integer), sa.column("reason", sa.String))
    rows = bind.execute(
        sa.select(seat.c.id, seat.c.reason).where(
            sa.or_(seat.c.reason.like("Offers %"), seat.c.reason.like("%; offers %"))
        )
    ).all()
    for seat_id, reason in rows:
        bind.execute(sa.update(seat).where(seat.c.id == seat_id).values(reason=_shared_part(reason)))


def downgrade():
    with op.batch_alter_table("speed_follow_up", schema=None) as batch:
        batch.drop_column("told_at")
