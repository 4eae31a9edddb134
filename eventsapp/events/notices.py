"""What people are told when an event or their place in it changes."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import has_request_context, url_for
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.events.timefmt import format_span, zone_label
from eventsapp.ical.export import ics_attachment
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import NotificationKind
from eventsapp.notifications.services import Message, notify
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.timeutil import utcnow

#: Everyone who answered anything but "not going" hears about changes.
INTERESTED = (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE)


def event_link(event: Event) -> tuple[str, str]:
    """The event page's path, and its full URL for email when known."""
    if not has_request_context():
        return f"/events/{event.id}", f"/events/{event.id}"
    return (url_for("events.show", event_id=event.id),
            url_for("events.show", event_id=event.id, _external=True))


def when(event: Event, now: datetime | None = None) -> str:
    span = format_span(event.starts_at, event.ends_at, all_day=event.all_day,
                       event_zone=event.timezone, viewer_zone=event.timezone, now=now or utcnow())
    return span if event.all_day else f"{span} ({zone_label(event.timezone, event.starts_at)})"


def where(event: Event) -> str:
    return " · ".join(p for p in (event.location, event.online_url) if p)


def _message(kind: str, event: Event, subject: str, first_line: str, attachments=()) -> Message:
    path, url = event_link(event)
    body = (f"{first_line}\n\n{event.title}\n{when(event)}\n{where(event)}\n\n"
            f"See the event: {url}\n\n"
            "You get this email because you answered this event. "
            "You can turn emails off on your profile page.")
    return Message(kind=kind, subject=subject, body=body, link=path, event_id=event.id,
                   attachments=tuple(attachments))


def interested_people(session: Session, events: list[Event]) -> dict[User, list[Event]]:
    """Who answered these events (but 'not going'), with the events each
    answered, in start order; one query."""
    by_id = {e.id: e for e in events}
    rows = session.execute(
        sa.select(User, Rsvp.event_id).join(Rsvp, Rsvp.user_id == User.id)
        .where(Rsvp.event_id.in_(by_id), Rsvp.state.in_(INTERESTED)))
    people: dict[User, list[Event]] = {}
    for user, event_id in rows:
        people.setdefault(user, []).append(by_id[event_id])
    for answered in people.values():
        answered.sort(key=lambda e: e.starts_at)
    return people


def _per_person(session: Session, events: list[Event], kind: str, verb: str, first_line: str) -> None:
    """One notice per person, however many meetings of a series changed."""
    for user, answered in interested_people(session, events).items():
        first = answered[0]
        if len(answered) == 1:
            subject = (f"{verb}: {first.title}, now {when(first)}" if kind == NotificationKind.EVENT_CHANGED
                       else f"{verb}: {first.title} ({when(first)})")
        else:
            subject = f"{verb}: {first.title}, {len(answered)} meetings from {when(first)}"
        notify(session, [user], _message(kind, first, subject, first_line))


def events_changed(session: Session, events: list[Event]) -> None:
    _per_person(session, events, NotificationKind.EVENT_CHANGED, "Changed",
                "An event you answered has changed.")


def events_cancelled(session: Session, events: list[Event]) -> None:
    _per_person(session, events, NotificationKind.EVENT_CANCELLED, "Cancelled",
                "An event you answered has been cancelled.")


def promoted(session: Session, event: Event, rsvps: list[Rsvp]) -> None:
    for rsvp in rsvps:  # each attachment carries that member's answer
        notify(session, [rsvp.user], _message(
            NotificationKind.PROMOTED, event, f"You have a place: {event.title}, {when(event)}",
            "A place opened up and you moved from the waitlist to going. The event is attached "
            "for your calendar.", (ics_attachment(event, rsvp),)))


def rsvp_confirmed(session: Session, event: Event, user: User, state: str) -> None:
    """An email (no in-app notice: the member just did it) confirming the answer."""
    if not user.email_notifications:
        return
    if state == RsvpState.WAITLISTED:
        subject, first = (f"On the waitlist: {event.title}",
                          "The event is full; you're on the waitlist and will be told if a place opens up.")
    else:
        subject, first = f"You're going: {event.title}", "Your place is confirmed. The event is attached for your calendar."
    rsvp = session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.user_id == user.id))
    message = _message(NotificationKind.RSVP_CONFIRMED, event, subject, first, (ics_attachment(event, rsvp),))
    queue_mail(session, OutgoingMail(to=user.email, subject=message.subject, body=message.body,
                                     attachments=message.attachments))
