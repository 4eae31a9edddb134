"""What people are told when an event or their place in it changes."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events import changes
from eventsapp.events.links import EventLinks
from eventsapp.events.models import Event
from eventsapp.ical.attachment import ics_file, mail_links
from eventsapp.notifications.mail import Attachment, OutgoingMail, queue_mail
from eventsapp.notifications.models import NotificationKind
from eventsapp.notifications.services import Message, notify
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.states import INTERESTED
from eventsapp.timeutil import utcnow


def when(event: Event, now: datetime | None = None) -> str:
    return changes.time_text(_fields(event), now or utcnow())


def _fields(event: Event) -> dict:
    names = ("title", "location", "online_url", *changes.TIME_FIELDS)
    return {name: getattr(event, name) for name in names}


def where(event: Event) -> str:
    return " · ".join(p for p in (event.location, event.online_url) if p)


def _message(
    kind: str, event: Event, links: EventLinks, subject: str, first_line: str, attachments=(), details: str = ""
) -> Message:
    parts = [
        first_line,
        f"{event.title}\n{when(event)}\n{where(event)}",
        details,
        f"See the event: {links.url(event.id)}",
        "You get this email because you answered this event.",
    ]
    body = "\n\n".join(p for p in parts if p)
    return Message(
        kind=kind,
        subject=subject,
        body=body,
        link=links.path(event.id),
        event_id=event.id,
        attachments=tuple(attachments),
        site=site_of(links),
    )


def site_of(links: EventLinks) -> str:
    """The site's address the event links use, when they are absolute."""
    return urljoin(links.url_head, "/") if "://" in links.url_head else ""


def _calendar_file(answered: list[tuple[Event, Rsvp | None]], links: EventLinks) -> Attachment:
    """The events as the member's calendar should now show them, linked on
    the host the mail's own links use (the configured one outside a request)."""
    event_url = (links.url_head, links.url_tail) if "://" in links.url_head else None
    file = ics_file(answered, mail_links(current_app.config, event_url))
    return Attachment(file.filename, file.content, "text", "calendar", {"method": "PUBLISH", "charset": "utf-8"})


def interested_people(session: Session, events: list[Event]) -> dict[User, list[tuple[Event, Rsvp]]]:
    """Who answered these events (but 'not going'), with the events each
    answered and their answer, in start order; one query."""
    by_id = {e.id: e for e in events}
    rows = session.execute(
        sa.select(User, Rsvp)
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id.in_(by_id), Rsvp.state.in_(INTERESTED))
    )
    people: dict[User, list[tuple[Event, Rsvp]]] = {}
    for user, rsvp in rows:
        people.setdefault(user, []).append((by_id[rsvp.event_id], rsvp))
    for answered in people.values():
        answered.sort(key=lambda pair: pair[0].starts_at)
    return people


def _per_person(
    session: Session,
    events: list[Event],
    links: EventLinks,
    kind: str,
    verb: str,
    first_line: str,
    changed: dict[int, list[changes.Change]] | None = None,
) -> None:
    """One notice per person, however many meetings of a series changed,
    with the changed meetings attached for their calendar."""
    for user, answered in interested_people(session, events).items():
        first = answered[0][0]
        what = changes.summary(changed[first.id]) if changed else ""
        if len(answered) == 1:
            subject = f"{verb}: {first.title}" + (f" — {what}" if what else f" ({when(first)})")
        else:
            subject = f"{verb}: {first.title}, {len(answered)} meetings from {when(first)}" + (
                f" — first meeting: {what}" if what else ""
            )
        details = _details(answered, changed) if changed else ""
        notify(
            session,
            [user],
            _message(kind, first, links, subject, first_line, (_calendar_file(answered, links),), details),
        )


def _details(answered: list[tuple[Event, Rsvp]], changed: dict[int, list[changes.Change]]) -> str:
    """What changed, one line per change (per meeting, for several)."""
    if len(answered) == 1:
        return "What changed:\n" + "\n".join(str(c) for c in changed[answered[0][0].id])
    lines = ["What changed:"]
    for event, _ in answered:
        lines += [f"{when(event)}:"] + [f"  {c}" for c in changed[event.id]]
    return "\n".join(lines)


def events_changed(session: Session, edits: list[tuple[Event, dict]], links: EventLinks) -> None:
    """`edits`: each changed event with its fields before the change."""
    now = utcnow()
    changed = {event.id: changes.what_changed(before, _fields(event), now) for event, before in edits}
    _per_person(
        session,
        [event for event, _ in edits],
        links,
        NotificationKind.EVENT_CHANGED,
        "Changed",
        "An event you answered has changed. The updated event is attached for your calendar.",
        changed,
    )


def events_cancelled(session: Session, events: list[Event], links: EventLinks) -> None:
    _per_person(
        session,
        events,
        links,
        NotificationKind.EVENT_CANCELLED,
        "Cancelled",
        "An event you answered has been cancelled. The cancelled event is attached, so your calendar "
        "shows it cancelled.",
    )


def promoted(session: Session, event: Event, rsvps: list[Rsvp], links: EventLinks) -> None:
    for rsvp in rsvps:  # each attachment carries that member's answer
        notify(
            session,
            [rsvp.user],
            _message(
                NotificationKind.PROMOTED,
                event,
                links,
                f"You have a place: {event.title}, {when(event)}",
                "A place opened up and you moved from the waitlist to going. The event is attached for your calendar.",
                (_calendar_file([(event, rsvp)], links),),
            ),
        )


def rsvp_confirmed(session: Session, event: Event, user: User, rsvp: Rsvp, links: EventLinks) -> None:
    """An email (no in-app notice: the member just did it) confirming the answer."""
    if not user.email_notifications:
        return
    if rsvp.state == RsvpState.WAITLISTED:
        subject, first = (
            f"On the waitlist: {event.title}",
            "The event is full; you're on the waitlist and will be told if a place opens up.",
        )
    else:
        subject, first = (
            f"You're going: {event.title}",
            "Your place is confirmed. The event is attached for your calendar.",
        )
    message = _message(
        NotificationKind.RSVP_CONFIRMED, event, links, subject, first, (_calendar_file([(event, rsvp)], links),)
    )
    queue_mail(
        session,
        OutgoingMail(to=user.email, subject=message.subject, body=message.body, attachments=message.attachments),
        kind=message.kind,
        user_id=user.id,
        site=message.site,
    )
