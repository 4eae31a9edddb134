"""Delivering the outbox: the worker's `deliver_due` claims the mail that is
due, commits the claim, sends, and records each outcome as it comes.

A claim is a lease: a worker that dies mid-send leaves its rows `sending`
until `lease_until`, and then the next round claims them again; the same
stored bytes go out with the same Message-ID. Temporary failures retry with
growing delays for MAIL_RETRY_HOURS; permanent ones stop at once. Which
guarantee holds where: docs/background.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.notifications.mail import sender
from eventsapp.notifications.models import MailStatus, OutboxMail
from eventsapp.notifications.transport import (
    DeliveryFailed,
    FileTransport,
    SmtpSettings,
    SmtpTransport,
    address_problem,
)
from eventsapp.transactions import begin_write

log = logging.getLogger(__name__)
#: The longest wait between two attempts at one mail.
MAX_DELAY = timedelta(hours=1)
#: How long delivered and failed mail is kept (it holds addresses and text).
KEEP_SENT = timedelta(days=7)
KEEP_FAILED = timedelta(days=30)


@dataclass
class Counts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    to_address: str
    message_id: str
    message: bytes
    created_at: datetime


def deliver_due(session: Session, now: datetime, *, batch: int = 50) -> Counts:
    """Send up to `batch` mails that are due at `now`; never raises for one
    bad mail. Returns what became of them."""
    config = current_app.config
    lease = timedelta(seconds=config["MAIL_LEASE_SECONDS"])
    give_up_after = timedelta(hours=config["MAIL_RETRY_HOURS"])
    claimed = claim_due(session, now, batch=batch, lease=lease)
    counts = Counts()
    if not claimed:
        return counts
    transport = _transport(config)
    envelope_from = parseaddr(sender())[1]
    try:
        for mail in claimed:
            outcome = _send_one(transport, envelope_from, mail)
            _record(session, mail, now, outcome, give_up_after, counts)
    finally:
        transport.close()
    log.info("Mail: %d sent, %d to retry, %d failed", counts.sent, counts.retrying, counts.failed)
    return counts


def claim_due(session: Session, now: datetime, *, batch: int, lease: timedelta) -> list[Claimed]:
    """Lease the due rows to this worker and commit, before anything is
    sent. PostgreSQL: FOR UPDATE SKIP LOCKED, so two workers take different
    rows; SQLite: BEGIN IMMEDIATE (begin_write), one claimer at a time."""
    due = sa.or_(
        sa.and_(OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now),
        sa.and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.lease_until < now),
    )
    if not session.scalar(sa.select(sa.exists().where(due))):
        session.rollback()
        return []  # the usual round: one read, no write lock taken
    begin_write(session)
    rows = session.execute(
        sa.select(
            OutboxMail.id,
            OutboxMail.attempts,
            OutboxMail.to_address,
            OutboxMail.message_id,
            OutboxMail.message,
            OutboxMail.created_at,
        )
        .where(due)
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    ).all()
    if rows:
        session.execute(
            sa.update(OutboxMail)
            .where(OutboxMail.id.in_([r.id for r in rows]))
            .values(status=MailStatus.SENDING, lease_until=now + lease, attempts=OutboxMail.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return [Claimed(r.id, r.attempts + 1, r.to_address, r.message_id, r.message, r.created_at) for r in rows]


def _transport(config) -> SmtpTransport | FileTransport:
    if config.get("MAIL_SERVER"):
        return SmtpTransport(
            SmtpSettings(
                host=config["MAIL_SERVER"],
                port=config["MAIL_PORT"],
                timeout=config["MAIL_TIMEOUT"],
                use_tls=bool(config.get("MAIL_USE_TLS")),
                username=config.get("MAIL_USERNAME"),
                password=config.get("MAIL_PASSWORD"),
            )
        )
    return FileTransport(Path(current_app.instance_path) / "mail")


def _send_one(transport, envelope_from: str, mail: Claimed) -> DeliveryFailed | None:
    """None when the server took the message, else why not."""
    problem = address_problem(mail.to_address)
    if problem:
        return DeliveryFailed(problem, temporary=False)
    if not mail.message:
        return DeliveryFailed("Nothing stored to send", temporary=False)
    try:
        transport.send(envelope_from, mail.to_address, mail.message, mail.message_id)
    except DeliveryFailed as failure:
        return failure
    except Exception as exc:  # one bad mail never stops the round
        log.exception("Mail %d: unexpected error while sending", mail.id)
        return DeliveryFailed(f"{type(exc).__name__}: {exc}", temporary=True)
    return None


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the attempts so far, at most MAX_DELAY."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_DELAY)


def _record(session, mail: Claimed, now, failure: DeliveryFailed | None, give_up_after, counts: Counts) -> None:
    """Store the outcome of one attempt and commit, so that a worker killed
    later in the batch leaves only the mail in flight unknown."""
    if failure is None:
        values = {"status": MailStatus.SENT, "sent_at": now, "lease_until": None, "last_error": ""}
        counts.sent += 1
    elif failure.temporary and now < mail.created_at + give_up_after:
        retry_at = min(now + retry_delay(mail.attempts), mail.created_at + give_up_after)
        values = {"status": MailStatus.PENDING, "next_attempt_at": retry_at, "lease_until": None}
        values["last_error"] = failure.reason
        counts.retrying += 1
    else:
        reason = (
            failure.reason if not failure.temporary else f"Gave up after {mail.attempts} attempts: {failure.reason}"
        )
        values = {"status": MailStatus.FAILED, "lease_until": None, "last_error": reason[:500]}
        counts.failed += 1
        log.warning("Mail %d to %s failed: %s", mail.id, mail.to_address, reason)
    begin_write(session)
    # Only while the lease is still ours: a worker that took it over since
    # (ours ran out) has the last word.
    session.execute(
        sa.update(OutboxMail)
        .where(
            OutboxMail.id == mail.id,
            OutboxMail.status == MailStatus.SENDING,
            OutboxMail.attempts == mail.attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def purge_old(session: Session, now: datetime) -> int:
    """Delete mail delivered more than KEEP_SENT ago and mail that failed
    and was written more than KEEP_FAILED ago; how many."""
    begin_write(session)
    result = session.execute(
        sa.delete(OutboxMail)
        .where(
            sa.or_(
                sa.and_(OutboxMail.status == MailStatus.SENT, OutboxMail.sent_at < now - KEEP_SENT),
                sa.and_(OutboxMail.status == MailStatus.FAILED, OutboxMail.created_at < now - KEEP_FAILED),
            )
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount
