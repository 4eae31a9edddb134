from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.profiles import career, help_kinds
from eventsapp.timeutil import UTCDateTime, utcnow

BIO_MAX = 1000
CATALOGUE_NAME_MAX = 80
INTRO_CAPACITY_MAX = 10
DEFAULT_INTRO_CAPACITY = 3


class AttendanceVisibility:
    MEMBERS = "members"
    ATTENDEES = "attendees"
    ORGANIZERS = "organizers"
    LABELS = {
        MEMBERS: "All signed-in members",
        ATTENDEES: "Only people going to the same event",
        ORGANIZERS: "Only the event's organizers",
    }
    ALL = tuple(LABELS)


class EventReminders:
    """When a member is reminded of the events they are going to (or are
    waitlisted for); each choice names its leads, in minutes before the start."""

    OFF = "off"
    HOUR = "1 hour"
    DAY = "24 hours"
    BOTH = "both"
    DEFAULT = DAY
    LABELS = {OFF: "Off", HOUR: "1 hour before", DAY: "24 hours before", BOTH: "Both: 24 hours and 1 hour before"}
    ALL = tuple(LABELS)
    LEADS = {OFF: (), HOUR: (60,), DAY: (24 * 60,), BOTH: (24 * 60, 60)}


class Specialty(db.Model):
    """An entry of the curated list of clinical specialties and interests."""

    __tablename__ = "specialty"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(CATALOGUE_NAME_MAX), unique=True)
    category: Mapped[str] = mapped_column(sa.String(CATALOGUE_NAME_MAX))
    # Retired entries stay attached to old profiles but are no longer offered.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))

    def __repr__(self) -> str:
        return f"<Specialty {self.name}>"


class Department(db.Model):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(CATALOGUE_NAME_MAX), unique=True)
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


profile_specialty = sa.Table(
    "profile_specialty",
    db.metadata,
    sa.Column("profile_id", sa.ForeignKey("profile.user_id", ondelete="CASCADE"), primary_key=True),
    sa.Column("specialty_id", sa.ForeignKey("specialty.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Profile(db.Model):
    __tablename__ = "profile"
    __table_args__ = (
        sa.CheckConstraint(f"career_stage IN {tuple(career.STAGES)!r}", name="career_stage_known"),
        sa.CheckConstraint(
            f"(career_stage = 'resident' AND pgy_year BETWEEN {career.PGY_MIN} AND {career.PGY_MAX})"
            " OR (career_stage <> 'resident' AND pgy_year IS NULL) OR career_stage IS NULL",
            name="pgy_year_for_residents",
        ),
        sa.CheckConstraint(
            f"NOT open_to_interns OR career_stage IN {career.SENIOR_STAGES!r}", name="only_seniors_open_to_interns"
        ),
        sa.CheckConstraint(f"intro_capacity BETWEEN 1 AND {INTRO_CAPACITY_MAX}", name="intro_capacity_range"),
        sa.CheckConstraint(
            f"attendance_visibility IN {AttendanceVisibility.ALL!r}", name="attendance_visibility_known"
        ),
        sa.CheckConstraint(f"event_reminders IN {EventReminders.ALL!r}", name="event_reminders_known"),
        # Any sum of the kinds' bits is a set of kinds; an offer is never "still exploring".
        sa.CheckConstraint(f"help_asked BETWEEN 0 AND {help_kinds.ALL_ASKED}", name="help_asked_known"),
        sa.CheckConstraint(f"help_offered BETWEEN 0 AND {help_kinds.ALL_OFFERED}", name="help_offered_known"),
        # The seniors who may be suggested, with what the suggestions test
        # about them: pages check each person going to an event against it,
        # and most are not among them (PostgreSQL then reads the index only).
        sa.Index(
            "ix_profile_open_seniors",
            "user_id",
            "career_stage",
            "attendance_visibility",
            "show_interests",
            "intro_capacity",
            "help_offered",
            postgresql_where=sa.text("open_to_interns"),
            sqlite_where=sa.text("open_to_interns"),
        ),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    career_stage: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    pgy_year: Mapped[int | None]
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id", ondelete="SET NULL"), index=True)
    bio: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Explicit opt-in to appear in suggestions; off until the person says so.
    open_to_interns: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"), index=True)
    intro_capacity: Mapped[int] = mapped_column(
        default=DEFAULT_INTRO_CAPACITY, server_default=str(DEFAULT_INTRO_CAPACITY)
    )
    # What other members may see besides name and career stage.
    show_department: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    show_interests: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    show_bio: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    # Who may see this member's name on attendee lists (others only count them).
    attendance_visibility: Mapped[str] = mapped_column(
        sa.String(16), default=AttendanceVisibility.MEMBERS, server_default=AttendanceVisibility.MEMBERS
    )
    # The zone times are shown in; None means the hospital's APP_TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    event_reminders: Mapped[str] = mapped_column(
        sa.String(16), default=EventReminders.DEFAULT, server_default=EventReminders.DEFAULT
    )
    # The weekly digest of next week's events (notifications/digest.py).
    weekly_digest: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    # Reminders of introduction requests waiting for this member's answer.
    request_reminders: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))
    # The kinds of help looked for (students, interns) and offered (residents
    # and above), as sums of help_kinds.BITS; one side is used, by career stage.
    help_asked: Mapped[int] = mapped_column(default=0, server_default="0")
    help_offered: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # User.profile: every page reads the member's profile with the account.
    user: Mapped[User] = relationship(
        backref=backref("profile", uselist=False, lazy="joined", cascade="all, delete-orphan")
    )
    department: Mapped[Department | None] = relationship(lazy="joined")
    specialties: Mapped[list[Specialty]] = relationship(secondary=profile_specialty, order_by=Specialty.name)

    @property
    def stage_label(self) -> str:
        return career.stage_label(self.career_stage, self.pgy_year)

    @property
    def can_mentor(self) -> bool:
        return career.can_mentor(self.career_stage)

    def chosen_help(self, *, offered: bool) -> list[str]:
        """The kinds of help chosen on one side, in the form's order."""
        return help_kinds.in_order(self.help_offered if offered else self.help_asked)

    @property
    def is_complete(self) -> bool:
        return self.career_stage is not None
