"""The tables of a mentorship: who answered "did you meet?", the mentorship
that a "we met" starts, its meetings, and each member's private notes."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow

GOALS_MAX = 4000
COMMENT_MAX = 2000
NOTE_MAX = 2000
THANKS_MAX = 1000
PLACE_MAX = 200
INVITATION_NOTE_MAX = 300


def _known(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Answer:
    MET = "met"
    PLAN = "plan"
    NOT_YET = "not_yet"
    ALL = (MET, PLAN, NOT_YET)
    LABELS = {MET: "We met", PLAN: "We have a plan", NOT_YET: "Not yet"}


class Rhythm:
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    ALL = (MONTHLY, BIMONTHLY, QUARTERLY)
    LABELS = {MONTHLY: "Monthly", BIMONTHLY: "Every two months", QUARTERLY: "Quarterly"}
    DAYS = {MONTHLY: 31, BIMONTHLY: 62, QUARTERLY: 92}


class Place:
    EVENT = "event"
    COFFEE = "coffee"
    VIDEO = "video"
    ON_SHIFT = "on_shift"
    ALL = (EVENT, COFFEE, VIDEO, ON_SHIFT)
    LABELS = {COFFEE: "Over coffee", VIDEO: "By video", ON_SHIFT: "On shift", EVENT: "At an event"}


class CloseReason:
    GOALS_MET = "goals_met"
    NOT_MEETING = "not_meeting"
    MOVED_ON = "moved_on"
    OTHER = "other"
    LEFT = "left"  # one of them deleted their account (never chosen in the form)
    ENDED = "ended"  # the introduction's connection was ended
    ALL = (GOALS_MET, NOT_MEETING, MOVED_ON, OTHER, LEFT, ENDED)
    CHOSEN = (GOALS_MET, NOT_MEETING, MOVED_ON, OTHER)
    LABELS = {
        GOALS_MET: "We reached our goals",
        NOT_MEETING: "We no longer manage to meet",
        MOVED_ON: "One of us is moving on",
        OTHER: "Another reason",
        LEFT: "A member left Mentor Rounds",
        ENDED: "The connection was ended",
    }


class MetAnswer(db.Model):
    """One person's answer to "did you meet?" about one introduction."""

    __tablename__ = "met_answer"
    __table_args__ = (
        sa.UniqueConstraint("intro_request_id", "user_id", name="uq_met_answer_person"),
        sa.CheckConstraint(_known("answer", Answer.ALL), name="answer_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    intro_request_id: Mapped[int] = mapped_column(sa.ForeignKey("intro_request.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(sa.String(16))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MentorshipStatus:
    ACTIVE = "active"
    CLOSED = "closed"
    ALL = (ACTIVE, CLOSED)


class Mentorship(db.Model):
    """Two members who met after an introduction. A member who deletes their
    account leaves it closed, their side empty (SET NULL): the other keeps
    the log and their own notes."""

    __tablename__ = "mentorship"
    __table_args__ = (
        sa.CheckConstraint(_known("status", MentorshipStatus.ALL), name="status_known"),
        sa.CheckConstraint(_known("rhythm", Rhythm.ALL), name="rhythm_known"),
        sa.CheckConstraint(f"close_reason IS NULL OR {_known('close_reason', CloseReason.ALL)}", name="reason_known"),
        sa.CheckConstraint("status = 'active' OR closed_at IS NOT NULL", name="closed_has_date"),
        sa.CheckConstraint("intern_id <> mentor_id", name="two_people"),
        sa.Index("ix_mentorship_intern_status", "intern_id", "status"),
        sa.Index("ix_mentorship_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One mentorship per introduction, whoever answers first (and at once).
    intro_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("intro_request.id", ondelete="SET NULL"), unique=True
    )
    intern_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    mentor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(sa.String(16), default=MentorshipStatus.ACTIVE)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    goals: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    goals_comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    rhythm: Mapped[str] = mapped_column(sa.String(16), default=Rhythm.MONTHLY, server_default=Rhythm.MONTHLY)
    next_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_meeting_zone: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    next_meeting_place: Mapped[str] = mapped_column(sa.String(PLACE_MAX), default="", server_default="")
    # Calendars: how often the next meeting changed (SEQUENCE), and when.
    next_meeting_sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    close_reason: Mapped[str | None] = mapped_column(sa.String(16))
    thank_you: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    intern: Mapped[User | None] = relationship(foreign_keys=[intern_id])
    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id])
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="mentorship", order_by="(Meeting.met_on.desc(), Meeting.id.desc())", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.status == MentorshipStatus.ACTIVE

    def other(self, user_id: int) -> User | None:
        return self.mentor if user_id == self.intern_id else self.intern


class Meeting(db.Model):
    """A meeting in the log: shared by both. Notes are each author's own."""

    __tablename__ = "mentorship_meeting"
    __table_args__ = (
        sa.CheckConstraint(_known("place", Place.ALL), name="place_known"),
        sa.Index("ix_mentorship_meeting_mentorship_met_on", "mentorship_id", "met_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentorship_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorship.id", ondelete="CASCADE"))
    met_on: Mapped[date] = mapped_column(sa.Date)
    place: Mapped[str] = mapped_column(sa.String(16))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mentorship: Mapped[Mentorship] = relationship(back_populates="meetings")


class MeetingNote(db.Model):
    """A private note on a meeting: only its author ever reads it."""

    __tablename__ = "mentorship_note"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "author_id", name="uq_mentorship_note_author"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("mentorship_meeting.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FollowUpKind:
    """What the worker asks or nudges about; each can be turned off."""

    DID_YOU_MEET = "did_you_meet"  # 14 days after acceptance, and the day after an event both went to
    OVERDUE = "overdue"  # no meeting for longer than the rhythm
    QUIET = "quiet"  # 90 days with nothing logged: carry on or close?
    ALL = (DID_YOU_MEET, OVERDUE, QUIET)
    LABELS = {
        DID_YOU_MEET: 'Ask me "did you meet?" after an introduction',
        OVERDUE: "Nudge me when a meeting is overdue for our rhythm",
        QUIET: 'Ask me "carry on or close?" after 90 days with nothing logged',
    }


class FollowUp(db.Model):
    """A follow-up sent: one per kind, member and occasion (`ref`, such as
    the introduction, the event, or the last meeting's date). Claimed with
    INSERT ... ON CONFLICT DO NOTHING before its notice is added, so no run
    sends one twice."""

    __tablename__ = "mentorship_followup"
    __table_args__ = (sa.CheckConstraint(_known("kind", FollowUpKind.ALL), name="kind_known"),)

    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True)
    ref: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FollowUpOff(db.Model):
    """A kind of follow-up the member turned off."""

    __tablename__ = "mentorship_followup_off"
    __table_args__ = (sa.CheckConstraint(_known("kind", FollowUpKind.ALL), name="kind_known"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16), primary_key=True)


class InvitationState:
    SENT = "sent"
    GOING = "going"
    NOT_GOING = "not_going"
    ALL = (SENT, GOING, NOT_GOING)
    LABELS = {SENT: "Waiting for an answer", GOING: "Going", NOT_GOING: "Not going"}


class Invitation(db.Model):
    """A senior invites a connected intern to an event: once per event,
    senior and intern. It goes with the event and with either account."""

    __tablename__ = "event_invitation"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "senior_id", "intern_id", name="uq_event_invitation_once"),
        sa.CheckConstraint(_known("state", InvitationState.ALL), name="state_known"),
        sa.CheckConstraint("state = 'sent' OR answered_at IS NOT NULL", name="answer_has_date"),
        sa.CheckConstraint("senior_id <> intern_id", name="two_people"),
        sa.Index("ix_event_invitation_intern_state", "intern_id", "state"),
        sa.Index("ix_event_invitation_senior_state", "senior_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    senior_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    intern_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[str] = mapped_column(sa.String(16), default=InvitationState.SENT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    senior: Mapped[User] = relationship(foreign_keys=[senior_id])
    intern: Mapped[User] = relationship(foreign_keys=[intern_id])

    @property
    def label(self) -> str:
        return InvitationState.LABELS[self.state]
