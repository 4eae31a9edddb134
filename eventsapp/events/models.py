from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.events import recurrence
from eventsapp.extensions import db
from eventsapp.profiles.models import Department, Specialty
from eventsapp.timeutil import UTCDateTime, utcnow

TITLE_MAX = 200
LOCATION_MAX = 200
URL_MAX = 500
DESCRIPTION_MAX = 10_000
TIMEZONE_MAX = 64


class EventKind:
    MEETING = "meeting"
    CONFERENCE = "conference"
    SOCIAL = "social"
    LABELS = {MEETING: "Departmental meeting", CONFERENCE: "Conference", SOCIAL: "Social event"}
    ALL = tuple(LABELS)


class EventStatus:
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    ALL = (SCHEDULED, CANCELLED)


event_specialty = sa.Table(
    "event_specialty",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("specialty_id", sa.ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True, index=True),
)

event_co_organizer = sa.Table(
    "event_co_organizer",
    db.metadata,
    sa.Column("event_id", sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True),
)


def new_checkin_secret() -> str:
    return secrets.token_urlsafe(24)


class Series(db.Model):
    """A recurring meeting: its rule and where it starts. The occurrences are
    Events that people RSVP to one by one."""

    __tablename__ = "series"
    __table_args__ = (
        sa.CheckConstraint("frequency IN ('weekly', 'monthly')", name="frequency_known"),
        sa.CheckConstraint("interval BETWEEN 1 AND 12", name="interval_range"),
        sa.CheckConstraint(
            "required_percent IS NULL OR required_percent BETWEEN 1 AND 100", name="required_percent_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    frequency: Mapped[str] = mapped_column(sa.String(16))
    interval: Mapped[int] = mapped_column(default=1)
    until: Mapped[date]
    timezone: Mapped[str] = mapped_column(sa.String(TIMEZONE_MAX))
    # DTSTART of the series: the first occurrence's start.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The first meeting's start as the organizer entered it, on the wall
    # clock of `timezone` (naive): the rule's time of day. It differs from
    # `starts_at` when the clocks skip that time (02:30 on the day they go
    # forward is 03:30, and 02:30 the weeks after). Empty on series saved
    # before it was kept: their rule starts at `starts_at`.
    wall_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=False))
    all_day: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    # Bumped by every change to the series or any of its meetings: the
    # SEQUENCE of the series' VEVENT in calendar feeds.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # The share of its meetings a program asks residents and interns to
    # attend (docs/program.md), or none.
    required_percent: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    occurrences: Mapped[list[Event]] = relationship(back_populates="series", order_by="Event.starts_at")

    @property
    def rule(self) -> recurrence.Recurrence:
        return recurrence.Recurrence(self.frequency, self.interval, self.until)

    @property
    def local_start(self) -> datetime:
        """DTSTART of the rule, naive on the wall clock of `timezone`."""
        if self.wall_start is not None:
            return self.wall_start
        return self.starts_at.astimezone(ZoneInfo(self.timezone)).replace(tzinfo=None)

    @property
    def rrule(self) -> str:
        """The RRULE property value (RFC 5545) for calendar export."""
        return recurrence.rrule_text(self.local_start, self.timezone, self.rule, self.all_day)

    @property
    def description(self) -> str:
        return recurrence.describe(self.local_start, self.rule)


#: The longest an event may last: from start to end for events with times,
#: in calendar days from the first to the last for all-day events.
LONGEST_EVENT = timedelta(days=31)


class Event(db.Model):
    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("waitlist_peak >= 0", name="waitlist_peak_not_negative"),
        sa.CheckConstraint(f"kind IN {EventKind.ALL!r}", name="kind_known"),
        sa.CheckConstraint(f"status IN {EventStatus.ALL!r}", name="status_known"),
        sa.UniqueConstraint("series_id", "recurrence_id", name="uq_event_series_occurrence"),
        sa.Index("ix_event_status_starts_at", "status", "starts_at"),
        # The list: the events not over yet (of a kind), counted with the
        # earliest start among them, from the index alone.
        sa.Index("ix_event_ends_at_starts_at", "ends_at", "starts_at"),
        sa.Index("ix_event_kind_ends_at_starts_at", "kind", "ends_at", "starts_at"),
        # A page of one kind, read in date order.
        sa.Index("ix_event_kind_starts_at", "kind", "starts_at"),
        # A series' meetings held in a span (attendance requirements).
        sa.Index("ix_event_series_status_starts_at", "series_id", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    kind: Mapped[str] = mapped_column(sa.String(16))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Times are stored in UTC; `timezone` is the zone they are entered and shown in.
    timezone: Mapped[str] = mapped_column(sa.String(TIMEZONE_MAX))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # All-day events run from local midnight of the first day to local
    # midnight after the last day (exclusive), in `timezone`.
    all_day: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    location: Mapped[str] = mapped_column(sa.String(LOCATION_MAX), default="", server_default="")
    online_url: Mapped[str] = mapped_column(sa.String(URL_MAX), default="", server_default="")
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"), index=True)
    capacity: Mapped[int | None]
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(
        sa.String(16), default=EventStatus.SCHEDULED, server_default=EventStatus.SCHEDULED
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every change a calendar shows.
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped by every change of anyone's answer: a member's copy of the
    # event shows their answer. With `revision`, the event's SEQUENCE in
    # every calendar file (see Event.sequence).
    answer_changes: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped by every saved edit: a form posted from an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    organizer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    series_id: Mapped[int | None] = mapped_column(sa.ForeignKey("series.id", ondelete="SET NULL"), index=True)
    # For an occurrence of a series: its start as the rule generated it (RECURRENCE-ID).
    recurrence_id: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An occurrence edited on its own no longer follows the series' details.
    is_exception: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    checkin_secret: Mapped[str] = mapped_column(sa.String(64), default=new_checkin_secret)
    # The most people on its waitlist at once, raised as the waitlist grows
    # (rsvps/peaks.py). False for events that had answers before it was kept:
    # their peak counts from then on (docs/program.md, "Waitlist peak").
    waitlist_peak: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlist_peak_complete: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    department: Mapped[Department | None] = relationship(lazy="joined")
    organizer: Mapped[User | None] = relationship(foreign_keys=[organizer_id], lazy="joined")
    co_organizers: Mapped[list[User]] = relationship(secondary=event_co_organizer, order_by=(User.name_key, User.id))
    specialties: Mapped[list[Specialty]] = relationship(secondary=event_specialty, order_by=Specialty.name)
    series: Mapped[Series | None] = relationship(back_populates="occurrences")

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def sequence(self) -> int:
        """The iCalendar SEQUENCE of this event, the same in every file that
        carries it (download, feeds, mail) and never lower than before."""
        return self.revision + self.answer_changes

    @property
    def kind_label(self) -> str:
        return EventKind.LABELS[self.kind]

    def is_organized_by(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        return user.is_admin or user.id == self.organizer_id or any(u.id == user.id for u in self.co_organizers)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.title!r} {self.starts_at:%Y-%m-%d}>"


class KeptAttendance(db.Model):
    """What an event keeps of its attendance once its attendee-level rows
    (answers, check-ins, invitations, speed-mentoring seats) were removed after
    ATTENDEE_DATA_RETENTION_YEARS (docs/retention.md): the counts its pages
    show, written in the transaction that deletes the rows."""

    __tablename__ = "kept_attendance"
    __table_args__ = (
        sa.CheckConstraint(
            "going >= 0 AND waitlisted >= 0 AND maybe >= 0 AND declined >= 0 AND checked_in >= 0 AND guests >= 0",
            name="counts_not_negative",
        ),
        sa.CheckConstraint("came >= 0 AND came <= going AND came <= checked_in", name="came_of_going_and_checked_in"),
        sa.CheckConstraint("speed_pairs >= 0", name="speed_pairs_not_negative"),
    )

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    going: Mapped[int] = mapped_column(default=0, server_default="0")
    waitlisted: Mapped[int] = mapped_column(default=0, server_default="0")  # waiting when the event ended
    maybe: Mapped[int] = mapped_column(default=0, server_default="0")
    declined: Mapped[int] = mapped_column(default=0, server_default="0")
    checked_in: Mapped[int] = mapped_column(default=0, server_default="0")  # members, accounts since deleted too
    guests: Mapped[int] = mapped_column(default=0, server_default="0")  # walk-ins checked in by name
    came: Mapped[int] = mapped_column(default=0, server_default="0")  # of those going, checked in (showrate.py)
    speed_pairs: Mapped[int] = mapped_column(default=0, server_default="0")  # who met at its speed mentoring
    purged_at: Mapped[datetime] = mapped_column(UTCDateTime)
