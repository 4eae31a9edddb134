"""Organizers writing to an event's members: everyone going, or the
waitlist. Each recipient gets an in-app notice and one mail (through the
outbox, replies going to the organizer), in the transaction that records
the message; a limit per event and rolling day is checked under the
event's lock, so organizers sending at once cannot pass it.
See docs/features.md ("Attendee sheet").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.links import EventLinks
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import Audience, EventMessage, Notification, NotificationKind
from eventsapp.notifications.signals import unread_changed
from eventsapp.rsvps.models import Rsvp
from eventsapp.text import clean
from eventsapp.transactions import begin_write

SUBJECT_MAX = 150
BODY_MAX = 5000
WINDOW = timedelta(hours=24)
HISTORY_SHOWN = 50


class MessageInvalid(DomainError):
    pass


class NobodyToWrite(DomainError):
    pass


class DailyLimitReached(DomainError):
    pass


@dataclass(frozen=True)
class Draft:
    audience: str
    subject: str
    body: str


def check_draft(draft: Draft) -> Draft:
    """The draft cleaned (as all typed text is: eventsapp.text.clean), or MessageInvalid."""
    if draft.audience not in Audience.ALL:
        raise MessageInvalid("Choose who receives the message: those going or the waitlist.")
    if any(ch in (draft.subject or "").strip() for ch in "\r\n\x0b\x0c\x85\u2028\u2029"):
        raise MessageInvalid("The subject must fit on one line.")
    # Control and direction characters go, as from every other text typed
    # in: a mail subject must read as it shows on the attendee sheet.
    subject = clean(draft.subject)
    body = clean((draft.body or "").replace("\r\n", "\n").replace("\r", "\n"), multiline=True)
    if not subject:
        raise MessageInvalid("Write a subject.")
    if len(subject) > SUBJECT_MAX:
        raise MessageInvalid(f"Keep the subject to {SUBJECT_MAX} characters (it has {len(subject)}).")
    if not body.strip():
        raise MessageInvalid("Write the message.")
    if len(body) > BODY_MAX:
        raise MessageInvalid(f"Keep the message to {BODY_MAX:,} characters (it has {len(body):,}).")
    return Draft(draft.audience, subject, body)


def _recipients_query(event_id: int, audience: str, sender_id: int):
    # Members whose account is deleted have no answer left (it goes with
    # the account); the sender never gets their own message.
    return (
        sa.select(User)
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id == event_id, Rsvp.state == audience, User.id != sender_id)
        .order_by(User.id)
    )


def audience_sizes(session: Session, event_id: int, sender_id: int) -> dict[str, int]:
    """How many would receive a message to each audience, in one query."""
    rows = session.execute(
        sa.select(Rsvp.state, sa.func.count())
        .where(Rsvp.event_id == event_id, Rsvp.state.in_(Audience.ALL), Rsvp.user_id != sender_id)
        .group_by(Rsvp.state)
    )
    sizes = dict.fromkeys(Audience.ALL, 0)
    sizes.update({state: count for state, count in rows})
    return sizes


def sent_messages(session: Session, event_id: int) -> list[tuple[EventMessage, str | None]]:
    """The messages sent about the event, newest first, with the sender's name."""
    return list(
        session.execute(
            sa.select(EventMessage, User.name)
            .outerjoin(User, User.id == EventMessage.sender_id)
            .where(EventMessage.event_id == event_id)
            .order_by(EventMessage.sent_at.desc(), EventMessage.id.desc())
            .limit(HISTORY_SHOWN)
        ).tuples()
    )


def _check_limit(session: Session, event_id: int, now: datetime, limit: int, zone: ZoneInfo) -> None:
    recent = list(
        session.scalars(
            sa.select(EventMessage.sent_at)
            .where(EventMessage.event_id == event_id, EventMessage.sent_at > now - WINDOW)
            .order_by(EventMessage.sent_at)
        )
    )
    if len(recent) >= limit:
        next_at = recent[len(recent) - limit] + WINDOW
        raise DailyLimitReached(
            f"You have sent {len(recent)} messages about this event today; "
            f"the next can go at {next_at.astimezone(zone):%H:%M}."
        )


def send_message(
    session: Session,
    sender: User,
    event_id: int,
    draft: Draft,
    *,
    links: EventLinks,
    now: datetime,
    limit: int,
    zone: ZoneInfo,
) -> EventMessage:
    """Record the message and queue its notices and mails, all in one
    commit; raises (and saves nothing) on a bad draft, nobody to write
    to, or the limit reached."""
    draft = check_draft(draft)
    begin_write(session)
    try:
        event = lock_event(session, event_id)
        if event is None:
            raise NotFound("No such event.")
        if not event.is_organized_by(sender):
            raise NotAllowed("Only this event's organizers can write to its members.")
        _check_limit(session, event_id, now, limit, zone)
        recipients = list(session.scalars(_recipients_query(event_id, draft.audience, sender.id)))
        if not recipients:
            raise NobodyToWrite(f"Nobody is {Audience.LABELS[draft.audience].lower()}: the message was not sent.")
        record = EventMessage(
            event_id=event_id,
            sender_id=sender.id,
            audience=draft.audience,
            subject=draft.subject,
            body=draft.body,
            recipients=len(recipients),
            sent_at=now,
        )
        session.add(record)
        session.flush()
        _deliver(session, record, event, sender, recipients, links)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return record


def _deliver(session, record, event: Event, sender: User, recipients, links: EventLinks) -> None:
    footer = (
        f"\n\n{sender.name} wrote this to the members "
        f"{'going to' if record.audience == Audience.GOING else 'on the waitlist of'} "
        f"“{event.title}”.\nReply to this mail to answer them.\n{links.url(event.id)}\n"
    )
    for user in recipients:
        session.add(
            Notification(
                user_id=user.id,
                kind=NotificationKind.ORGANIZER_MESSAGE,
                event_id=event.id,
                message=f"{sender.name} about “{event.title}”: {record.subject}"[:1000],
                link=links.path(event.id),
            )
        )
        unread_changed.send(user.id)
        if not user.email_notifications:  # turned off, or unsubscribed: the notice is enough
            continue
        queue_mail(
            session,
            OutgoingMail(to=user.email, subject=record.subject, body=record.body + footer, reply_to=sender.email),
            kind=NotificationKind.ORGANIZER_MESSAGE,
            user_id=user.id,
            dedupe_key=f"event-message:{record.id}:{user.id}",
            now=record.sent_at,
        )
