"""The tables of a speed-mentoring evening: its settings, its seats, and
who would like to meet whom again (docs/speed-mentoring.md)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow

#: The bounds of the settings, kept by the form and by the database.
ROUNDS_MAX = 20
ROUND_MINUTES_MIN, ROUND_MINUTES_MAX = 2, 60
BREAK_MINUTES_MAX = 30
TABLES_MAX = 200
SEATS_MAX = 10
REASON_MAX = 300


class SpeedSession(db.Model):
    """An event run as speed mentoring: one per event. `current_round` is the
    round under way (0: not started); rounds before it are held and never
    re-planned. `version` grows with every plan and every round started, so
    that two organizers acting on the same page cannot both win."""

    __tablename__ = "speed_session"
    __table_args__ = (
        sa.CheckConstraint(f"rounds BETWEEN 1 AND {ROUNDS_MAX}", name="rounds_range"),
        sa.CheckConstraint(
            f"round_minutes BETWEEN {ROUND_MINUTES_MIN} AND {ROUND_MINUTES_MAX}", name="round_minutes_range"
        ),
        sa.CheckConstraint(f"break_minutes BETWEEN 0 AND {BREAK_MINUTES_MAX}", name="break_minutes_range"),
        sa.CheckConstraint(f"tables BETWEEN 1 AND {TABLES_MAX}", name="tables_range"),
        sa.CheckConstraint(f"seats_per_table BETWEEN 1 AND {SEATS_MAX}", name="seats_range"),
        sa.CheckConstraint("current_round BETWEEN 0 AND rounds", name="current_round_range"),
        sa.CheckConstraint("current_round = 0 OR round_started_at IS NOT NULL", name="started_round_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True)
    rounds: Mapped[int]
    round_minutes: Mapped[int]
    break_minutes: Mapped[int]
    tables: Mapped[int]
    seats_per_table: Mapped[int]
    current_round: Mapped[int] = mapped_column(default=0, server_default="0")
    round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The round before's start, kept when a round starts, so that a start
    #: made by mistake can be undone once (planning.undo_start).
    previous_round_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When the schedule was last made, and from whom: those checked in
    #: (True) or, before the doors open, those going (False).
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    planned_from_check_in: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    #: The schedule's quality when it was made (planner.quality).
    quality_total: Mapped[float | None]
    quality_greedy: Mapped[float | None]
    quality_top_two: Mapped[float | None]
    #: The first round that plan made (those before were held and kept): the
    #: greedy baseline planned the same rounds from the same held ones.
    quality_from_round: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    event: Mapped[Event] = relationship()

    def rounds_held(self, now: datetime) -> int:
        """The rounds held at `now`, the one under way included: those started
        with "Start round". An evening that ended with none started was run
        from the printed schedule: every round counts as held. One started
        from the page says which were held (the rest were never run). The one
        rule the follow-ups, the results and the schedule read."""
        if self.current_round == 0 and self.has_ended(now):
            return self.rounds
        return self.current_round

    def has_ended(self, now: datetime) -> bool:
        """The event is over (and was not cancelled): its evening is history."""
        return self.event.ends_at <= now and not self.event.is_cancelled


class SpeedSeat(db.Model):
    """One intern at one senior's table in one round. The database keeps the
    rules it can: an intern is in one place per round, and meets a senior
    once per evening."""

    __tablename__ = "speed_seat"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "round", "intern_id", name="uq_speed_seat_intern_round"),
        sa.UniqueConstraint("session_id", "intern_id", "senior_id", name="uq_speed_seat_pair"),
        sa.CheckConstraint("round >= 1", name="round_positive"),
        sa.CheckConstraint("table_no >= 1", name="table_positive"),
        sa.CheckConstraint("intern_id <> senior_id", name="not_self"),
        sa.Index("ix_speed_seat_session_round_table", "session_id", "round", "table_no"),
        sa.Index("ix_speed_seat_senior_id", "senior_id"),
        sa.Index("ix_speed_seat_intern_id", "intern_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("speed_session.id", ondelete="CASCADE"))
    round: Mapped[int]
    table_no: Mapped[int]
    senior_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    intern_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(default=0.0, server_default="0")
    #: Why they were paired, in words, from the facts that scored the pair.
    reason: Mapped[str] = mapped_column(sa.String(REASON_MAX), default="", server_default="")

    senior: Mapped[User] = relationship(foreign_keys=[senior_id])
    intern: Mapped[User] = relationship(foreign_keys=[intern_id])


class SpeedDeparture(db.Model):
    """Someone who left the evening, as the organizer marked them: check-ins
    are never taken back, so this is what leaves them out of a re-plan."""

    __tablename__ = "speed_departure"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "user_id", name="uq_speed_departure_person"),
        sa.Index("ix_speed_departure_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("speed_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    left_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SpeedFollowUp(db.Model):
    """One participant's answer, after the evening, about someone they met
    there: would they like to meet again. `intro_request_id` is the
    introduction it led to, if any."""

    __tablename__ = "speed_follow_up"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "from_id", "to_id", name="uq_speed_follow_up_pair"),
        sa.CheckConstraint("from_id <> to_id", name="not_self"),
        sa.Index("ix_speed_follow_up_to_id", "to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("speed_session.id", ondelete="CASCADE"))
    from_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    to_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    again: Mapped[bool]
    intro_request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("intro_request.id", ondelete="SET NULL"))
    #: When the intern was told of this (a senior's) yes: once per evening,
    #: however often the answer changes.
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
