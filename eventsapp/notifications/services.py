"""Telling people what happened: a notification in the app, always, and an
email too for those who want one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.urls import safe_next_path
from eventsapp.errors import NotFound
from eventsapp.notifications.mail import Attachment, OutgoingMail, outbox_row, queue_mail, queue_mails
from eventsapp.notifications.models import Notification
from eventsapp.notifications.signals import unread_changed
from eventsapp.timeutil import utcnow

PAGE_SIZE = 30


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str  # one line, also the in-app text
    body: str  # the email's text; ends with the link
    link: str = ""
    event_id: int | None = None
    attachments: tuple[Attachment, ...] = ()
    site: str = ""  # this site's address for the unsubscribe link ("": configured)


def notify(session: Session, users: Iterable[User], message: Message) -> None:
    """Add the notification for each user, and the email for those who want
    one (the outbox), to the current transaction."""
    for user in users:
        session.add(
            Notification(
                user_id=user.id,
                kind=message.kind,
                event_id=message.event_id,
                message=message.subject,
                link=message.link,
            )
        )
        unread_changed.send(user.id)
        if user.email_notifications:
            queue_mail(
                session,
                OutgoingMail(
                    to=user.email, subject=message.subject, body=message.body, attachments=message.attachments
                ),
                kind=message.kind,
                user_id=user.id,
                site=message.site,
            )


def notify_each(session: Session, told: list[tuple[User, Message]], now: datetime) -> None:
    """`notify` for many members at once, each with their own message, in
    two statements whatever their number (a worker's batch)."""
    if not told:
        return
    session.execute(
        sa.insert(Notification),
        [
            {
                "user_id": user.id,
                "kind": message.kind,
                "event_id": message.event_id,
                "message": message.subject,
                "link": message.link,
                "created_at": now,
            }
            for user, message in told
        ],
    )
    queue_mails(
        session,
        [
            outbox_row(
                OutgoingMail(
                    to=user.email, subject=message.subject, body=message.body, attachments=message.attachments
                ),
                kind=message.kind,
                user_id=user.id,
                dedupe_key=None,
                now=now,
                site=message.site,
            )
            for user, message in told
            if user.email_notifications
        ],
    )
    for user, _ in told:
        unread_changed.send(user.id)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(_unread(user_id))


def unread_count_of(user_id):
    """The count as a column: the user loader reads it with the account,
    saving every page a query."""
    return _unread(user_id).scalar_subquery()


def _unread(user_id):
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )


def recent(session: Session, user_id: int, limit: int = PAGE_SIZE) -> list[Notification]:
    return list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread(session: Session, user_id: int, limit: int) -> list[Notification]:
    """The newest unread notifications, for the home page."""
    return list(
        session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def open_notification(session: Session, user_id: int, notification_id: int) -> str | None:
    """The member opens one of their notifications: it is read from now on.
    Returns where it leads (a path on this site), or None."""
    notification = session.scalar(
        sa.select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    )
    if notification is None:
        raise NotFound("No such notification.")
    if notification.read_at is None:
        notification.read_at = utcnow()
        session.commit()
        unread_changed.send(user_id)
    return safe_next_path(notification.link)


def mark_all_read(session: Session, user_id: int) -> int:
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    session.commit()
    unread_changed.send(user_id)
    return result.rowcount
