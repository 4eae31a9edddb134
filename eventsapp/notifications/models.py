from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventsapp.extensions import db
from eventsapp.timeutil import UTCDateTime, utcnow


class NotificationKind:
    PROMOTED = "promoted"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    RSVP_CONFIRMED = "rsvp_confirmed"
    REMINDER = "reminder"
    ORGANIZER_MESSAGE = "organizer_message"
    ALL = (PROMOTED, EVENT_CHANGED, EVENT_CANCELLED, RSVP_CONFIRMED, REMINDER, ORGANIZER_MESSAGE)
    # About an introduction request, not an event (request_reminders.py).
    REQUEST_REMINDER = "request_reminder"


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MailStatus:
    PENDING = "pending"  # waiting for its next attempt (next_attempt_at)
    SENDING = "sending"  # claimed by a worker until lease_until
    SENT = "sent"
    FAILED = "failed"  # a permanent refusal, or a day of temporary ones
    ALL = (PENDING, SENDING, SENT, FAILED)


class OutboxMail(db.Model):
    """One email, stored in the transaction of the change that caused it and
    delivered by the worker (notifications/outbox.py, docs/background.md).
    `message` holds the rendered RFC 5322 bytes, so every attempt sends the
    same message with the same Message-ID."""

    __tablename__ = "outbox_mail"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_outbox_mail_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_outbox_mail_status_lease_until", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    message_id: Mapped[str] = mapped_column(sa.String(250), unique=True)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    message: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[str] = mapped_column(sa.String(16), default=MailStatus.PENDING, server_default="pending")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventReminder(db.Model):
    """A reminder sent: one per member, event, start time and lead. The key
    is claimed with INSERT ... ON CONFLICT DO NOTHING in the transaction
    that adds the notice, so two runs at once cannot both send it, and a
    new start time is a new key (the reminder is armed again)."""

    __tablename__ = "event_reminder"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    lead_minutes: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class WeeklyDigest(db.Model):
    """A member's digest of one week, claimed with INSERT ... ON CONFLICT DO
    NOTHING before its mail is queued, in the same transaction: two runs at
    once cannot both send it. `events` is how many it listed (0: no mail)."""

    __tablename__ = "weekly_digest"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    week: Mapped[date] = mapped_column(primary_key=True, index=True)  # the Monday of the week it covers
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    events: Mapped[int] = mapped_column(default=0, server_default="0")


class RequestReminder(db.Model):
    """A reminder to a senior of an introduction request still waiting for
    their answer, `after_days` after it was sent (request_reminders.py). The
    key is claimed with INSERT ... ON CONFLICT DO NOTHING in the transaction
    that adds the notice, so two workers cannot both send it; it goes with
    the request (and so with either account)."""

    __tablename__ = "request_reminder"

    request_id: Mapped[int] = mapped_column(sa.ForeignKey("intro_request.id", ondelete="CASCADE"), primary_key=True)
    after_days: Mapped[int] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Audience:
    """Whom an organizer's message goes to: the members of one answer."""

    GOING = "going"
    WAITLISTED = "waitlisted"
    ALL = (GOING, WAITLISTED)
    LABELS = {GOING: "Going", WAITLISTED: "Waitlisted"}


class EventMessage(db.Model):
    """A message an organizer wrote to an event's members (messages.py):
    kept to show who wrote what to whom, and to count against the daily limit."""

    __tablename__ = "event_message"
    __table_args__ = (
        sa.CheckConstraint("audience IN ('going', 'waitlisted')", name="audience_known"),
        sa.CheckConstraint("recipients >= 0", name="recipients_not_negative"),
        sa.Index("ix_event_message_event_id_sent_at", "event_id", "sent_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(16))
    subject: Mapped[str] = mapped_column(sa.String(150))
    body: Mapped[str] = mapped_column(sa.Text)
    recipients: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FanoutKind:
    CHANGED = "changed"
    CANCELLED = "cancelled"
    ALL = (CHANGED, CANCELLED)


class EventFanout(db.Model):
    """A meeting changed or cancelled whose members are still to be told:
    stored by the organizer's request, expanded into each member's notice
    and mail by the worker (fanout.py). The meetings of one request share a
    `batch` (one notice per member, as for a series); its row at position 0
    is the one a worker claims. `before`/`after`: what a change's mail
    states, the fields as they were and became."""

    __tablename__ = "event_fanout"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('changed', 'cancelled')", name="kind_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.Index("ix_event_fanout_batch_position", "batch", "position"),
        sa.Index("ix_event_fanout_position_next_attempt_at", "position", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch: Mapped[str] = mapped_column(sa.String(32))
    position: Mapped[int] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    links: Mapped[dict] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")  # expansions that failed
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
