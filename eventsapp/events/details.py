"""What an organizer enters for an event, checked against every rule, and
the same values read back from an event to fill the form again."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import Role, User
from eventsapp.errors import DomainError
from eventsapp.events import wallclock
from eventsapp.events.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX, URL_MAX, Event, EventKind
from eventsapp.profiles.models import Department, Specialty
from eventsapp.text import clean, has_letter_or_digit
from eventsapp.timeutil import zone_named

MAX_TAGS = 10
MAX_CAPACITY = 10_000


@dataclass
class EventDetails:
    """What an organizer enters, in the event's own time zone."""

    title: str
    kind: str
    timezone: str
    start_date: date | None
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    all_day: bool = False
    description: str = ""
    location: str = ""
    online_url: str = ""
    department_id: int | None = None
    specialty_ids: list[int] = field(default_factory=list)
    capacity: int | None = None
    rsvp_deadline_date: date | None = None
    rsvp_deadline_time: time | None = None
    co_organizer_ids: list[int] = field(default_factory=list)
    confirmed_times: str = ""  # the notes on daylight-saving changes the organizer confirmed


@dataclass
class CheckedDetails:
    """Details that passed every rule, ready to store."""

    title: str
    kind: str
    timezone: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    description: str
    location: str
    online_url: str
    department: Department | None
    specialties: list[Specialty]
    capacity: int | None
    rsvp_deadline: datetime | None
    co_organizers: list[User]
    walls: wallclock.Walls  # the times as entered, to repeat them on other days
    notes: tuple[str, ...] = ()  # where the clocks change, for the organizer to confirm


def check_zone(name: str) -> ZoneInfo:
    zone = zone_named(name)
    if zone is None:
        raise DomainError("Choose a time zone from the list.", field="timezone")
    return zone


def _check_text(value: str, limit: int, field_name: str, label: str, required: bool = False) -> str:
    value = clean(value, multiline=field_name == "description")
    if required and not has_letter_or_digit(value):
        raise DomainError(f"Enter the {label}.", field=field_name)
    if len(value) > limit:
        raise DomainError(f"Use at most {limit} characters.", field=field_name)
    return value


def _check_url(value: str) -> str:
    value = clean(value)
    if not value:
        return ""
    if len(value) > URL_MAX:
        raise DomainError(f"Use at most {URL_MAX} characters.", field="online_url")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise DomainError("Enter a web address starting with https://", field="online_url")
    return value


def check_details(
    session: Session, d: EventDetails, organizer_id: int | None, kept: tuple[datetime, datetime] | None = None
) -> CheckedDetails:
    """Apply every rule; raise DomainError naming the field at fault. `kept`:
    the start and end of the event being edited."""
    title = _check_text(d.title, TITLE_MAX, "title", "event's title", required=True)
    if d.kind not in EventKind.ALL:
        raise DomainError("Choose the kind of event.", field="kind")
    zone = check_zone(d.timezone)
    span, walls = wallclock.check_times(d, zone, kept)
    starts_at, ends_at = span.starts_at, span.ends_at
    description = _check_text(d.description, DESCRIPTION_MAX, "description", "description")
    location = _check_text(d.location, LOCATION_MAX, "location", "location")
    online_url = _check_url(d.online_url)
    if not location and not online_url:
        raise DomainError("Add a location, an online meeting link, or both.", field="location")
    department = _check_department(session, d.department_id)
    specialties = _check_specialties(session, d.specialty_ids)
    if d.capacity is not None and not 1 <= d.capacity <= MAX_CAPACITY:
        raise DomainError(f"Capacity must be between 1 and {MAX_CAPACITY}, or empty for no limit.", field="capacity")
    deadline = None
    if d.rsvp_deadline_date is not None:
        walls = replace(walls, deadline=datetime.combine(d.rsvp_deadline_date, d.rsvp_deadline_time or time(23, 59)))
        deadline = wallclock.to_utc(walls.deadline, zone)
        if deadline > starts_at:
            raise DomainError("The RSVP deadline must be before the event starts.", field="rsvp_deadline_date")
    co_organizers = _check_co_organizers(session, set(d.co_organizer_ids) - {organizer_id})
    return CheckedDetails(
        title,
        d.kind,
        d.timezone,
        starts_at,
        ends_at,
        d.all_day,
        description,
        location,
        online_url,
        department,
        specialties,
        d.capacity,
        deadline,
        co_organizers,
        walls,
        span.notes,
    )


def _check_department(session: Session, department_id: int | None) -> Department | None:
    if department_id is None:
        return None
    department = session.get(Department, department_id)
    if department is None:
        raise DomainError("Choose a department from the list.", field="department_id")
    return department


def _check_specialties(session: Session, ids) -> list[Specialty]:
    wanted = set(ids)
    if len(wanted) > MAX_TAGS:
        raise DomainError(f"Choose at most {MAX_TAGS} specialties.", field="specialty_ids")
    specialties = list(session.scalars(sa.select(Specialty).where(Specialty.id.in_(wanted)))) if wanted else []
    if len(specialties) != len(wanted):
        raise DomainError("Choose specialties from the list.", field="specialty_ids")
    return specialties


def _check_co_organizers(session: Session, co_ids: set[int]) -> list[User]:
    """Co-organizers are accounts that may organize (organizers, admins)."""
    if not co_ids:
        return []
    organizers = (Role.ORGANIZER, Role.ADMIN)
    found = list(session.scalars(sa.select(User).where(User.id.in_(co_ids), User.role.in_(organizers))))
    if len(found) != len(co_ids):
        raise DomainError("Co-organizers must be chosen from the list of organizers.", field="co_organizer_ids")
    return found


def apply_details(event: Event, c: CheckedDetails) -> None:
    event.title, event.kind, event.timezone = c.title, c.kind, c.timezone
    event.starts_at, event.ends_at, event.all_day = c.starts_at, c.ends_at, c.all_day
    event.description, event.location, event.online_url = c.description, c.location, c.online_url
    event.department, event.specialties = c.department, c.specialties
    event.capacity, event.rsvp_deadline = c.capacity, c.rsvp_deadline
    event.co_organizers = c.co_organizers


def details_of(event: Event) -> EventDetails:
    """The form values that describe `event` (for editing or duplicating)."""
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if event.all_day:
        end = end - timedelta(days=1)
    deadline = event.rsvp_deadline.astimezone(zone) if event.rsvp_deadline else None
    return EventDetails(
        title=event.title,
        kind=event.kind,
        timezone=event.timezone,
        all_day=event.all_day,
        start_date=start.date(),
        start_time=None if event.all_day else start.time(),
        end_date=end.date(),
        end_time=None if event.all_day else end.time(),
        description=event.description,
        location=event.location,
        online_url=event.online_url,
        department_id=event.department_id,
        specialty_ids=[s.id for s in event.specialties],
        capacity=event.capacity,
        rsvp_deadline_date=deadline.date() if deadline else None,
        rsvp_deadline_time=deadline.time() if deadline else None,
        co_organizer_ids=[u.id for u in event.co_organizers],
    )
