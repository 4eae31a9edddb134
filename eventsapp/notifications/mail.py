"""Queueing mail in the transaction of the change that causes it.

Services call `queue_mail(session, OutgoingMail(...), kind=...)`: the
message is rendered now (Message-ID and Date fixed, attachments included)
and stored as a row of `outbox_mail` in the caller's transaction, so a
change that rolls back sends nothing and one that commits cannot lose its
mail. The worker delivers it (outbox.py); docs/background.md says which
guarantee holds where.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app, has_app_context
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eventsapp.config import site_root
from eventsapp.notifications import unsubscribe
from eventsapp.notifications.models import MailStatus, OutboxMail
from eventsapp.timeutil import utcnow

log = logging.getLogger(__name__)
DEFAULT_SENDER = "Mentor Rounds <no-reply@localhost>"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()
    reply_to: str = ""  # where answers go, when not to the site (an organizer's message)


def sender() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"] if has_app_context() else DEFAULT_SENDER


def new_message_id(from_address: str) -> str:
    return make_msgid(domain=from_address.rpartition("@")[2].strip(">").strip() or None)


def build_message(
    mail: OutgoingMail, from_address: str, message_id: str, date: datetime, unsubscribe_url: str = ""
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    if unsubscribe_url:  # RFC 8058: mail clients offer a button that posts this
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if mail.reply_to:
        message["Reply-To"] = mail.reply_to
    message.set_content(mail.body)
    for attachment in mail.attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=attachment.params,
        )
    return message


def with_unsubscribe(mail: OutgoingMail, kind: str, user_id: int | None, site: str) -> tuple[OutgoingMail, str]:
    """The mail with its footer saying how to unsubscribe, and the link;
    mail to no member, or of a kind no preference governs, is left as is."""
    preference = unsubscribe.preference_of(kind)
    if user_id is None or preference is None or not has_app_context():
        return mail, ""
    config = current_app.config
    token = unsubscribe.token_for(config["SECRET_KEY"], user_id, preference)
    url = unsubscribe.unsubscribe_url(site or site_root(config), token)
    footer = f"To stop emails about {unsubscribe.LABELS[preference]}, open: {url}"
    return replace(mail, body=f"{mail.body}\n\n-- \n{footer}"), url


def queue_mail(
    session: Session,
    mail: OutgoingMail,
    *,
    kind: str,
    user_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
    site: str = "",
) -> bool:
    """Store the mail in the session's transaction; False when a mail with
    the same `dedupe_key` was queued already (then nothing is added). Mail
    to a member gets the unsubscribe link of its kind, on `site` (this
    site's address, as the caller's request sees it; else configured)."""
    row = outbox_row(mail, kind=kind, user_id=user_id, dedupe_key=dedupe_key, now=now or utcnow(), site=site)
    with session.no_autoflush:  # (the caller's other rows still go in one batch at its flush)
        return session.execute(_insert(session).returning(OutboxMail.id), row).scalar() is not None


def queue_mails(session: Session, rows: list[dict]) -> None:
    """Store many mails made by `outbox_row` in one statement (a worker's
    batch), each skipped when its dedupe key was queued already."""
    if rows:
        session.execute(_insert(session), rows)


def _insert(session: Session):
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(OutboxMail).on_conflict_do_nothing(index_elements=[OutboxMail.dedupe_key])


def outbox_row(
    mail: OutgoingMail, *, kind: str, user_id: int | None, dedupe_key: str | None, now: datetime, site: str
) -> dict:
    """The mail rendered (Message-ID and Date fixed now) as a row of the outbox."""
    mail, unsubscribe_url = with_unsubscribe(mail, kind, user_id, site)
    from_address = sender()
    message_id = new_message_id(from_address)
    row = {
        "kind": kind,
        "user_id": user_id,
        "to_address": mail.to[:320],
        "subject": mail.subject[:300],
        "message_id": message_id,
        "dedupe_key": dedupe_key,
        "status": MailStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "last_error": "",
        "lease_until": None,
        "sent_at": None,
    }
    try:
        row["message"] = bytes(build_message(mail, from_address, message_id, now, unsubscribe_url))
    except (ValueError, TypeError) as exc:
        # A header that cannot be written (a line break in an address):
        # kept, as failed, for the admins to see; the change goes on.
        log.warning("Mail %s to user %s cannot be composed: %s", kind, user_id, exc)
        row.update(message=b"", status=MailStatus.FAILED, last_error=f"Could not be composed: {exc}"[:500])
    return row
