"""Reminders before the events members are going to or waitlisted for: an
in-app notice and an email with the event's .ics, at the lead(s) each
member chose on their profile. The timing rule is in docs/features.md
("Reminders"); a worker or cron calls `send_due_reminders` every minute.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased, selectinload

from eventsapp.accounts.models import User
from eventsapp.events.links import EventLinks
from eventsapp.events.listing import viewer_zone
from eventsapp.events.models import Event, EventStatus
from eventsapp.events.timefmt import format_span, zone_label
from eventsapp.ical.attachment import ics_file, mail_links
from eventsapp.notifications.event_notices import site_of, where
from eventsapp.notifications.mail import Attachment
from eventsapp.notifications.models import EventReminder, NotificationKind
from eventsapp.notifications.services import Message, notify
from eventsapp.profiles.models import EventReminders, Profile
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.transactions import begin_write

log = logging.getLogger(__name__)

#: Who is reminded: members going, and those waitlisted (with their place).
REMINDED = (RsvpState.GOING, RsvpState.WAITLISTED)
LONGEST_LEAD = max(lead for leads in EventReminders.LEADS.values() for lead in leads)


@dataclass(frozen=True)
class DueReminder:
    user: User
    event: Event
    rsvp: Rsvp
    lead_minutes: int
    place: int | None  # in the waitlist's line, 1 for the next to get a seat


def due_lead(leads: tuple[int, ...], starts_at: datetime, answered_at: datetime, now: datetime) -> int | None:
    """The lead (minutes) to remind at now, or None. A lead is due from its
    moment until the start, for an answer given before that moment (a later
    answer was just confirmed by mail); of two due, the shorter one goes."""
    due = [
        lead
        for lead in leads
        if starts_at - timedelta(minutes=lead) <= now < starts_at and answered_at <= starts_at - timedelta(minutes=lead)
    ]
    return min(due, default=None)


def due_reminders(session: Session, now: datetime) -> list[DueReminder]:
    """The reminders to send now, in four queries whatever their number:
    the answers with their event, member and profile; the events'
    interests (for the .ics); the reminders already sent; the waitlist places."""
    rows = session.execute(
        sa.select(Rsvp, Event, User)
        .join(Event, Event.id == Rsvp.event_id)
        .join(User, User.id == Rsvp.user_id)
        .join(Profile, Profile.user_id == User.id)
        .where(
            Rsvp.state.in_(REMINDED),
            Event.status != EventStatus.CANCELLED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(minutes=LONGEST_LEAD),
            Profile.event_reminders != EventReminders.OFF,
        )
        .order_by(Event.starts_at, Event.id, Rsvp.id)
        .options(selectinload(Event.specialties))  # for the .ics
    ).all()
    if not rows:
        return []
    sent = set(
        session.execute(
            sa.select(
                EventReminder.user_id, EventReminder.event_id, EventReminder.starts_at, EventReminder.lead_minutes
            ).where(EventReminder.starts_at > now, EventReminder.starts_at <= now + timedelta(minutes=LONGEST_LEAD))
        ).tuples()
    )
    due = []
    for rsvp, event, user in rows:
        lead = due_lead(EventReminders.LEADS[user.profile.event_reminders], event.starts_at, rsvp.updated_at, now)
        if lead is not None and (user.id, event.id, event.starts_at, lead) not in sent:
            due.append((rsvp, event, user, lead))
    places = waitlist_places(session, [rsvp.id for rsvp, *_ in due if rsvp.state == RsvpState.WAITLISTED])
    return [DueReminder(user, event, rsvp, lead, places.get(rsvp.id)) for rsvp, event, user, lead in due]


def waitlist_places(session: Session, rsvp_ids: list[int]) -> dict[int, int]:
    """Each waitlisted answer's place in line (as rsvps.services counts it), in one query."""
    if not rsvp_ids:
        return {}
    ahead = aliased(Rsvp)
    rows = session.execute(
        sa.select(Rsvp.id, sa.func.count(ahead.id))
        .outerjoin(
            ahead,
            sa.and_(
                ahead.event_id == Rsvp.event_id,
                ahead.state == RsvpState.WAITLISTED,
                sa.or_(
                    ahead.queued_at < Rsvp.queued_at, sa.and_(ahead.queued_at == Rsvp.queued_at, ahead.id < Rsvp.id)
                ),
            ),
        )
        .where(Rsvp.id.in_(rsvp_ids))
        .group_by(Rsvp.id)
    )
    return {rsvp_id: count + 1 for rsvp_id, count in rows}


def send_due_reminders(session: Session, now: datetime, links: EventLinks) -> int:
    """Send every reminder due now and commit; returns how many were sent.
    Safe to run in several workers at once: each reminder's key is claimed
    before its notice is added, and only the run that claims it sends it."""
    begin_write(session)
    settings_url = urljoin(links.url_head, "/profile/edit")
    sent = 0
    for reminder in due_reminders(session, now):
        if _claim(session, reminder, now):
            notify(session, [reminder.user], reminder_message(reminder, links, settings_url, now))
            sent += 1
    session.commit()
    return sent


def _claim(session: Session, reminder: DueReminder, now: datetime) -> bool:
    """Record the reminder as sent, unless a run did already. An account or
    event deleted meanwhile is skipped (logged), never the end of the run."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(EventReminder)
        .values(
            user_id=reminder.user.id,
            event_id=reminder.event.id,
            starts_at=reminder.event.starts_at,
            lead_minutes=reminder.lead_minutes,
            sent_at=now,
        )
        .on_conflict_do_nothing()
        .returning(EventReminder.user_id)
    )
    try:
        with session.begin_nested():
            return session.scalar(statement) is not None
    except sa.exc.DBAPIError as exc:
        log.warning("Reminder of event %s for user %s skipped: %s", reminder.event.id, reminder.user.id, exc)
        return False


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _in(lead_minutes: int) -> str:
    hours = lead_minutes // 60
    return f"{hours} hour" if hours == 1 else f"{hours} hours"


def _when(event: Event, zone: str, now: datetime) -> str:
    """The event's time in the member's zone, the zone named."""
    span = format_span(
        event.starts_at, event.ends_at, all_day=event.all_day, event_zone=event.timezone, viewer_zone=zone, now=now
    )
    return span if event.all_day else f"{span} ({zone_label(zone, event.starts_at)})"


def reminder_message(reminder: DueReminder, links: EventLinks, settings_url: str, now: datetime) -> Message:
    event, place = reminder.event, reminder.place
    when = _when(event, viewer_zone(reminder.user), now)
    soon = f"in {_in(reminder.lead_minutes)}"
    if place is not None:
        subject = f"Reminder: {event.title}, {when} — you are {ordinal(place)} on the waitlist"
        first = (
            f"A reminder: this event starts {soon}. You are {ordinal(place)} on the waitlist; "
            "you will be told if a place frees up."
        )
    else:
        subject = f"Reminder: {event.title}, {when}"
        first = f"A reminder: you're going to this event, which starts {soon}. The event is attached for your calendar."
    parts = [
        first,
        f"{event.title}\n{when}\n{where(event)}",
        f"See the event: {links.url(event.id)}",
        f"You get this reminder because you answered this event. To change when you are reminded, or turn "
        f"reminders off, edit your profile: {settings_url}",
    ]
    return Message(
        kind=NotificationKind.REMINDER,
        subject=subject,
        body="\n\n".join(p for p in parts if p),
        link=links.path(event.id),
        event_id=event.id,
        attachments=(_calendar_file(reminder, links),),
        site=site_of(links),
    )


def _calendar_file(reminder: DueReminder, links: EventLinks) -> Attachment:
    """The member's copy of the event (their answer shown), as event mails attach it."""
    event_url = (links.url_head, links.url_tail) if "://" in links.url_head else None
    file = ics_file([(reminder.event, reminder.rsvp)], mail_links(current_app.config, event_url))
    return Attachment(file.filename, file.content, "text", "calendar", {"method": "PUBLISH", "charset": "utf-8"})
