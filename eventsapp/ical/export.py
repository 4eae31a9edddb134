"""From the database to calendar data: which events a feed holds and how
each one is described. The bytes themselves come from builder.py.

Series: in the single-event download and the public feeds, a recurring
meeting is one VEVENT with its RRULE, an EXDATE for every meeting that was
cancelled (or deleted), and a RECURRENCE-ID override for every meeting edited
on its own. In a personal feed, each meeting the member answered is listed
on its own (its own UID), because members answer meetings one by one: a
series entry would show meetings they said no to.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.events import recurrence
from eventsapp.events.models import Event, EventKind, Series, event_specialty
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build
from eventsapp.rsvps.models import Rsvp, RsvpState

#: What a feed covers, so that it stays small for clients that drop large feeds.
WINDOW_BACK = timedelta(days=60)
WINDOW_AHEAD = timedelta(days=365)
REFRESH = timedelta(hours=6)


@dataclass(frozen=True)
class Export:
    body: bytes
    last_modified: datetime


def _last_modified(items: list[IcsEvent], *others: datetime | None, now: datetime | None = None) -> datetime:
    """The newest change in what the feed shows. A feed also changes when
    an event is deleted or leaves its window, which leaves no timestamp: the
    start of the current hour stands in for those, so a client polling with
    If-Modified-Since alone is at most an hour behind (ETags are exact)."""
    moments = [i.last_modified for i in items] + [o for o in others if o is not None]
    if now is not None:
        moments.append(now.replace(minute=0, second=0, microsecond=0))
    return max(moments).replace(microsecond=0) if moments else datetime(2000, 1, 1, tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class Links:
    """How to name things that live outside the calendar: the host in UIDs
    and the event pages' URLs."""

    host: str
    event_url: callable  # event id -> absolute URL


def app_links() -> Links:
    """UIDs from the configured domain; event URLs for this request's host,
    or the configured SERVER_NAME (mail sent outside a request)."""
    from flask import current_app, has_request_context, url_for

    domain = uid_domain()
    if has_request_context():
        return Links(domain, lambda i: url_for("events.show", event_id=i, _external=True))
    server = current_app.config.get("SERVER_NAME") or "localhost"
    return Links(domain, lambda i: f"http://{server}/events/{i}")


def uid_domain() -> str:
    """The right-hand side of every UID: fixed by configuration, never taken
    from a request's Host header (which would give the same event another
    UID, and duplicates in calendars)."""
    from flask import current_app

    config = current_app.config
    return (config.get("CALENDAR_UID_DOMAIN") or (config.get("SERVER_NAME") or "").split(":")[0]
            or "mentor-rounds.local")


def ics_attachment(event: Event, rsvp: Rsvp | None = None):
    """The event's .ics, to attach to an email: as the member's own feed
    describes it (tentative on the waitlist), so a later one replaces it."""
    from eventsapp.notifications.mail import Attachment

    item = describe(event, app_links(), **_answer_fields(event, rsvp)) if rsvp else describe(event, app_links())
    return Attachment(f"event-{event.id}.ics", build(IcsCalendar([item])), "text", "calendar",
                      {"method": "PUBLISH", "charset": "utf-8"})


def _answer_fields(event: Event, rsvp: Rsvp) -> dict:
    """A member's answer is part of their copy of the event: its changes
    raise the SEQUENCE and the stamp."""
    return {"answer": rsvp.state, "sequence": event.revision + rsvp.revision,
            "modified": max(event.updated_at, rsvp.updated_at)}


def _uid(kind: str, ident: int, links: Links) -> str:
    return f"{kind}-{ident}@{links.host}"


def _moment(event: Event, value: datetime) -> datetime | date:
    zone = ZoneInfo(event.timezone)
    return value.astimezone(zone).date() if event.all_day else value.astimezone(zone)


def _description(event: Event, url: str) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.online_url:
        parts.append(f"Join online: {event.online_url}")
    parts.append(f"Details and RSVP: {url}")
    return "\n\n".join(parts)


def _status(event: Event, answer: str | None = None) -> str:
    if event.is_cancelled:
        return "CANCELLED"
    if answer in (RsvpState.WAITLISTED, RsvpState.MAYBE):
        return "TENTATIVE"
    return "CONFIRMED"


def describe(event: Event, links: Links, *, uid: str | None = None, answer: str | None = None,
             recurrence_id=None, rrule: str | None = None, exdates=(), sequence: int | None = None,
             created: datetime | None = None, modified: datetime | None = None) -> IcsEvent:
    url = links.event_url(event.id)
    summary = event.title if answer != RsvpState.WAITLISTED else f"{event.title} (waitlist)"
    return IcsEvent(
        uid=uid or _uid("event", event.id, links), summary=summary,
        start=_moment(event, event.starts_at), end=_moment(event, event.ends_at), tzid=event.timezone,
        created=created or event.created_at, last_modified=modified or event.updated_at,
        sequence=event.revision if sequence is None else sequence, status=_status(event, answer),
        description=_description(event, url), location=event.location or event.online_url, url=url,
        categories=(EventKind.LABELS[event.kind], *(s.name for s in event.specialties)),
        organizer_name=event.organizer.name if event.organizer else None,
        rrule=rrule, exdates=tuple(exdates), recurrence_id=recurrence_id)


def describe_series(series: Series, occurrences: list[Event], links: Links) -> list[IcsEvent]:
    """One master VEVENT with RRULE and EXDATEs, plus an override per
    meeting edited on its own."""
    by_start = {e.recurrence_id: e for e in occurrences}
    template = next((e for e in occurrences if not e.is_exception and not e.is_cancelled), occurrences[0])
    zone = ZoneInfo(series.timezone)
    generated = recurrence.occurrence_starts(series.local_start, series.timezone, series.rule)
    generated_utc = {start.astimezone(ZoneInfo("UTC")) for start in generated}
    exdates = []
    for start in generated:
        occurrence = by_start.get(start.astimezone(ZoneInfo("UTC")))
        if occurrence is None or occurrence.is_cancelled:
            exdates.append(start.date() if series.all_day else start.astimezone(zone))
    first = describe(template, links, uid=_uid("series", series.id, links), rrule=series.rrule,
                     exdates=exdates, sequence=series.revision, created=series.created_at,
                     modified=series.updated_at)
    # The master starts where the rule starts, and lasts as long as the
    # template: in wall-clock time (all-day: in days), so daylight saving
    # between the two does not shift its end.
    start = series.starts_at.astimezone(zone)
    wall = (template.ends_at.astimezone(zone).replace(tzinfo=None)
            - template.starts_at.astimezone(zone).replace(tzinfo=None))
    if series.all_day:
        wall = timedelta(days=max(1, round(wall / timedelta(days=1))))
    master = _replace_times(first, series, start, (start.replace(tzinfo=None) + wall).replace(tzinfo=zone))
    items = [master]
    for occurrence in occurrences:
        if occurrence.recurrence_id not in generated_utc:
            # Not an instance of the rule (a meeting moved off its weekday):
            # listed on its own rather than lost.
            if not occurrence.is_cancelled:
                items.append(describe(occurrence, links))
        elif occurrence.is_exception and not occurrence.is_cancelled:
            rid = occurrence.recurrence_id.astimezone(zone)
            items.append(describe(occurrence, links, uid=master.uid,
                                  recurrence_id=rid.date() if series.all_day else rid))
    return items


def _replace_times(item: IcsEvent, series: Series, start: datetime, end: datetime) -> IcsEvent:
    if series.all_day:
        return replace(item, start=start.date(), end=end.date())
    return replace(item, start=start, end=end)


# --- Which events ---------------------------------------------------------------

def _window(now: datetime):
    return Event.starts_at >= now - WINDOW_BACK, Event.starts_at <= now + WINDOW_AHEAD


def _load(session: Session, stmt) -> list[Event]:
    return list(session.scalars(stmt.options(selectinload(Event.specialties))))


def single_event(event: Event, links: Links) -> Export:
    """One event (a meeting of a series too) as a file to open or import."""
    items = [describe(event, links)]
    return Export(build(IcsCalendar(items)), _last_modified(items))


@dataclass(frozen=True)
class PublicFilters:
    kind: str | None = None
    specialty_id: int | None = None
    department_id: int | None = None


def public_feed(session: Session, filters: PublicFilters, links: Links, now: datetime,
                name: str) -> Export:
    stmt = sa.select(Event).where(*_window(now))
    if filters.kind:
        stmt = stmt.where(Event.kind == filters.kind)
    if filters.department_id:
        stmt = stmt.where(Event.department_id == filters.department_id)
    if filters.specialty_id:
        stmt = stmt.where(sa.exists().where(event_specialty.c.event_id == Event.id,
                                            event_specialty.c.specialty_id == filters.specialty_id))
    events = _load(session, stmt.order_by(Event.starts_at, Event.id))
    singles = [e for e in events if e.series_id is None]
    series_ids = sorted({e.series_id for e in events if e.series_id is not None})
    items = [describe(e, links) for e in singles]
    if series_ids:
        # Every meeting of these series, also outside the window, so the
        # rule's EXDATEs and overrides are complete.
        all_meetings = _load(session, sa.select(Event).where(Event.series_id.in_(series_ids))
                             .order_by(Event.starts_at).options(selectinload(Event.series)))
        grouped: dict[int, list[Event]] = {}
        for meeting in all_meetings:
            grouped.setdefault(meeting.series_id, []).append(meeting)
        for series_id in series_ids:
            meetings = grouped[series_id]
            items += describe_series(meetings[0].series, meetings, links)
    items.sort(key=lambda i: (i.uid, i.recurrence_id is not None, str(i.recurrence_id)))
    return Export(build(IcsCalendar(items, name=name, refresh=REFRESH)),
                  _last_modified(items, now=now))


def personal_feed(session: Session, user_id: int, links: Links, now: datetime, name: str) -> Export:
    rsvps = list(session.scalars(sa.select(Rsvp).where(Rsvp.user_id == user_id)))
    answers = {r.event_id: r for r in rsvps if r.state in (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE)}
    events = _load(session, sa.select(Event).where(Event.id.in_(answers), *_window(now))
                   .order_by(Event.starts_at, Event.id)) if answers else []
    items = [describe(e, links, **_answer_fields(e, answers[e.id])) for e in events]
    # Answering "not going" removes an event: the answer's time counts as a change.
    answered = max((r.updated_at for r in rsvps), default=None)
    return Export(build(IcsCalendar(items, name=name, refresh=REFRESH)),
                  _last_modified(items, answered, now=now))
