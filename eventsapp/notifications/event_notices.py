"""What people are told when an event or their place in it changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple
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
from eventsapp.notifications.services import Message, notify, notify_each
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.states import INTERESTED
from eventsapp.timeutil import utcnow


def when(event: Event | Shown, now: datetime | None = None) -> str:
    return changes.time_text(fields_of(event), now or utcnow())


#: What a change's mail states of a meeting.
FIELDS = ("title", "location", "online_url", *changes.TIME_FIELDS)


def fields_of(event: Event | Shown) -> dict:
    return {name: getattr(event, name) for name in FIELDS}


def where(event: Event | Shown) -> str:
    return " · ".join(p for p in (event.location, event.online_url) if p)


def _message(
    kind: str,
    event: Event | Shown,
    links: EventLinks,
    subject: str,
    first_line: str,
    attachments=(),
    details: str = "",
    at: datetime | None = None,
) -> Message:
    parts = [
        first_line,
        f"{event.title}\n{when(event, at)}\n{where(event)}",
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


class Shown(NamedTuple):
    """What a mail says of a meeting: as it was right after the change it
    tells of (a later change tells its own)."""

    id: int
    title: str
    location: str
    online_url: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str

    @classmethod
    def of(cls, event: Event, fields: dict | None = None) -> Shown:
        return cls(event.id, **(fields or fields_of(event)))


def interested_people(
    session: Session, events: list[Event], answered_by: datetime | None = None
) -> dict[User, list[tuple[Event, Rsvp]]]:
    """Who answered these events (but 'not going'; first by `answered_by`,
    when given), with the events each answered and their answer, in start
    order; one query."""
    by_id = {e.id: e for e in events}
    query = (
        sa.select(User, Rsvp)
        .join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id.in_(by_id), Rsvp.state.in_(INTERESTED))
        .order_by(User.id)
    )
    if answered_by is not None:
        query = query.where(Rsvp.created_at <= answered_by)
    people: dict[User, list[tuple[Event, Rsvp]]] = {}
    for user, rsvp in session.execute(query):
        people.setdefault(user, []).append((by_id[rsvp.event_id], rsvp))
    for answered in people.values():
        answered.sort(key=lambda pair: pair[0].starts_at)
    return people


@dataclass(frozen=True)
class Telling:
    """One request's change or cancellation, as its members are told."""

    kind: str
    verb: str
    first_line: str
    shown: dict[int, Shown]  # each meeting's id: what the mail says of it
    changed: dict[int, list[changes.Change]] | None = None
    at: datetime | None = None  # when it happened: texts read as they did then


def tell_members(session: Session, events: list[Event], telling: Telling, links: EventLinks, now: datetime) -> int:
    """One notice per person who had answered by then, however many meetings
    of a series changed, with the changed meetings attached for their
    calendar; how many were told."""
    at, changed, told = telling.at or now, telling.changed, []
    for user, answered in interested_people(session, events, telling.at).items():
        first = telling.shown[answered[0][0].id]
        what = changes.summary(changed[first.id]) if changed else ""
        if len(answered) == 1:
            subject = f"{telling.verb}: {first.title}" + (f" — {what}" if what else f" ({when(first, at)})")
        else:
            subject = f"{telling.verb}: {first.title}, {len(answered)} meetings from {when(first, at)}" + (
                f" — first meeting: {what}" if what else ""
            )
        details = _details([telling.shown[e.id] for e, _ in answered], changed, at) if changed else ""
        attachment = _calendar_file(answered, links)
        told.append(
            (user, _message(telling.kind, first, links, subject, telling.first_line, (attachment,), details, at))
        )
    notify_each(session, told, now)
    return len(told)


def _details(shown: list[Shown], changed: dict[int, list[changes.Change]], at: datetime) -> str:
    """What changed, one line per change (per meeting, for several)."""
    if len(shown) == 1:
        return "What changed:\n" + "\n".join(str(c) for c in changed[shown[0].id])
    lines = ["What changed:"]
    for meeting in shown:
        lines += [f"{when(meeting, at)}:"] + [f"  {c}" for c in changed[meeting.id]]
    return "\n".join(lines)


def changed_telling(edits: list[tuple[Event, dict, dict]], at: datetime) -> Telling:
    """`edits`: each changed meeting with its fields (`fields_of`) before and after."""
    return Telling(
        NotificationKind.EVENT_CHANGED,
        "Changed",
        "An event you answered has changed. The updated event is attached for your calendar.",
        shown={event.id: Shown.of(event, after) for event, _, after in edits},
        changed={event.id: changes.what_changed(before, after, at) for event, before, after in edits},
        at=at,
    )


def cancelled_telling(events: list[Event], at: datetime) -> Telling:
    return Telling(
        NotificationKind.EVENT_CANCELLED,
        "Cancelled",
        "An event you answered has been cancelled. The cancelled event is attached, so your calendar "
        "shows it cancelled.",
        shown={event.id: Shown.of(event) for event in events},
        at=at,
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
