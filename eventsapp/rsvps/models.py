from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.rsvps.states import RsvpState
from eventsapp.timeutil import UTCDateTime, utcnow


class Rsvp(db.Model):
    __tablename__ = "rsvp"
    __table_args__ = (
        # One answer per person and event: a double submit cannot add a second row.
        sa.UniqueConstraint("event_id", "user_id", name="uq_rsvp_event_user"),
        sa.CheckConstraint(f"state IN {RsvpState.ALL!r}", name="state_known"),
        sa.CheckConstraint("state <> 'waitlisted' OR queued_at IS NOT NULL", name="waitlist_has_place"),
        # Who is going to these events, and where they are happy to be
        # approached, read from the index alone (suggestions, counts).
        sa.Index("ix_rsvp_event_state_user", "event_id", "state", "user_id", "approachable"),
        sa.Index("ix_rsvp_user_state", "user_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    # NULL once the member deleted their account: the row still counts.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(sa.String(16))
    # When the person joined the waitlist: promotion is first come, first served.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A senior going to the event is happy to be approached there by interns
    # (the ribbon some conferences hand out).
    approachable: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    # Bumped by every change of answer: with the event's revision, the
    # SEQUENCE of this event in the member's own calendar feed.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()

    @property
    def label(self) -> str:
        return RsvpState.LABELS[self.state]
