"""Delivering mail after the change that caused it is committed.

Services queue messages with `queue_mail(session, ...)`; they are sent only
when that session commits (and dropped if it rolls back), so nobody is told
about a change that did not happen. With MAIL_SERVER set they go over SMTP;
otherwise (development) each is written as an .eml file under
instance/mail/. A mail server that is down is logged and never fails the
request: the in-app notification was committed already.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)
_OUTBOX = "eventsapp_outbox"


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


def queue_mail(session: Session, mail: OutgoingMail) -> None:
    session.info.setdefault(_OUTBOX, []).append(mail)


def build_message(mail: OutgoingMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
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


def deliver(mails: list[OutgoingMail]) -> int:
    """Send now; return how many went out. Never raises."""
    if not mails or not has_app_context():
        return 0
    config = current_app.config
    messages = [build_message(m, config["MAIL_DEFAULT_SENDER"]) for m in mails]
    try:
        if config.get("MAIL_SERVER"):
            return _send_smtp(messages, config)
        return _write_files(messages, Path(current_app.instance_path) / "mail")
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("Mail not delivered (%d messages): %s", len(messages), exc)
        return 0


def _send_smtp(messages: list[EmailMessage], config) -> int:
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        sent = 0
        for message in messages:
            try:
                smtp.send_message(message)
                sent += 1
            except smtplib.SMTPException as exc:
                # One refused message does not stop the others.
                log.warning("Mail to %s not sent: %s", message["To"], exc)
        return sent


def _write_files(messages: list[EmailMessage], folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    for message in messages:
        name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
        (folder / f"{name}.eml").write_bytes(bytes(message))
    return len(messages)


@sa.event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    mails = session.info.pop(_OUTBOX, None)
    if mails:
        deliver(mails)


@sa.event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_OUTBOX, None)
