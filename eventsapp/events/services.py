"""Event rules: what an event may hold, who may change it, and what a change
means for the people who answered."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import Role, User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events import notices, recurrence, wallclock
from eventsapp.events.models import (DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX, URL_MAX, Event,
                                     EventKind, EventStatus, Series)
from eventsapp.profiles.models import Department, Specialty
from eventsapp.rsvps import services as rsvps
from eventsapp.rsvps.models import Rsvp
from eventsapp.text import clean, has_letter_or_digit
from eventsapp.timeutil import utcnow, zone_named
from eventsapp.transactions import begin_write, lock_event, lock_events

MAX_TAGS = 10
MAX_CAPACITY = 10_000


class EventChanged(DomainError):
    """The form was made from an older version of the event."""


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
class _Checked:
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


# What a calendar shows: a change to any of these bumps the revision.
CALENDAR_FIELDS = ("title", "kind", "timezone", "starts_at", "ends_at", "all_day", "description",
                   "location", "online_url", "status")
# What the people going need to hear about.
NOTIFY_FIELDS = ("title", "starts_at", "ends_at", "all_day", "location", "online_url")


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


def check_details(session: Session, d: EventDetails, organizer_id: int | None,
                  kept: tuple[datetime, datetime] | None = None) -> _Checked:
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
    department = None
    if d.department_id is not None:
        department = session.get(Department, d.department_id)
        if department is None:
            raise DomainError("Choose a department from the list.", field="department_id")
    wanted = set(d.specialty_ids)
    if len(wanted) > MAX_TAGS:
        raise DomainError(f"Choose at most {MAX_TAGS} specialties.", field="specialty_ids")
    specialties = list(session.scalars(sa.select(Specialty).where(Specialty.id.in_(wanted)))) if wanted else []
    if len(specialties) != len(wanted):
        raise DomainError("Choose specialties from the list.", field="specialty_ids")
    if d.capacity is not None and not 1 <= d.capacity <= MAX_CAPACITY:
        raise DomainError(f"Capacity must be between 1 and {MAX_CAPACITY}, or empty for no limit.",
                          field="capacity")
    deadline = None
    if d.rsvp_deadline_date is not None:
        walls = replace(walls, deadline=datetime.combine(d.rsvp_deadline_date, d.rsvp_deadline_time or time(23, 59)))
        deadline = wallclock.to_utc(walls.deadline, zone)
        if deadline > starts_at:
            raise DomainError("The RSVP deadline must be before the event starts.",
                              field="rsvp_deadline_date")
    co_ids = set(d.co_organizer_ids) - {organizer_id}
    co_organizers = list(session.scalars(
        sa.select(User).where(User.id.in_(co_ids), User.role.in_((Role.ORGANIZER, Role.ADMIN))))) if co_ids else []
    if len(co_organizers) != len(co_ids):
        raise DomainError("Co-organizers must be chosen from the list of organizers.",
                          field="co_organizer_ids")
    return _Checked(title, d.kind, d.timezone, starts_at, ends_at, d.all_day, description, location,
                    online_url, department, specialties, d.capacity, deadline, co_organizers, walls, span.notes)


def _apply(event: Event, c: _Checked) -> None:
    event.title, event.kind, event.timezone = c.title, c.kind, c.timezone
    event.starts_at, event.ends_at, event.all_day = c.starts_at, c.ends_at, c.all_day
    event.description, event.location, event.online_url = c.description, c.location, c.online_url
    event.department, event.specialties = c.department, c.specialties
    event.capacity, event.rsvp_deadline = c.capacity, c.rsvp_deadline
    event.co_organizers = c.co_organizers


def _snapshot(event: Event) -> dict:
    values = {name: getattr(event, name) for name in CALENDAR_FIELDS}
    values["specialties"] = sorted(s.id for s in event.specialties)
    return values


def _changed(before: dict, event: Event, names) -> bool:
    after = _snapshot(event)
    return any(before[name] != after[name] for name in names)


def _record_change(event: Event, before: dict, now: datetime) -> bool:
    """Bump the revision if a calendar would show the difference."""
    event.version += 1
    event.updated_at = now
    if _changed(before, event, (*CALENDAR_FIELDS, "specialties")):
        event.revision += 1
        return True
    return False


# --- Reading ------------------------------------------------------------------

def get_event(session: Session, event_id: int) -> Event:
    event = session.scalar(
        sa.select(Event).where(Event.id == event_id)
        .options(selectinload(Event.specialties), selectinload(Event.co_organizers),
                 selectinload(Event.series)))
    if event is None:
        raise NotFound("No such event.")
    return event


def require_organizer(event: Event, actor: User) -> None:
    if not event.is_organized_by(actor):
        raise NotAllowed("Only this event's organizers can do that.")


def organizer_choices(session: Session) -> list[User]:
    """People who can be co-organizers: organizers and admins."""
    return list(session.scalars(sa.select(User).where(User.role.in_((Role.ORGANIZER, Role.ADMIN)))
                                .order_by(User.name_key, User.id)))


def has_responses(session: Session, event_id: int) -> bool:
    from eventsapp.attendance.models import CheckIn

    return bool(session.scalar(sa.select(sa.exists().where(Rsvp.event_id == event_id)))
                or session.scalar(sa.select(sa.exists().where(CheckIn.event_id == event_id))))


def details_of(event: Event) -> EventDetails:
    """The form values that describe `event` (for editing or duplicating)."""
    zone = ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if event.all_day:
        end = end - timedelta(days=1)
    deadline = event.rsvp_deadline.astimezone(zone) if event.rsvp_deadline else None
    return EventDetails(
        title=event.title, kind=event.kind, timezone=event.timezone, all_day=event.all_day,
        start_date=start.date(), start_time=None if event.all_day else start.time(),
        end_date=end.date(), end_time=None if event.all_day else end.time(),
        description=event.description, location=event.location, online_url=event.online_url,
        department_id=event.department_id, specialty_ids=[s.id for s in event.specialties],
        capacity=event.capacity,
        rsvp_deadline_date=deadline.date() if deadline else None,
        rsvp_deadline_time=deadline.time() if deadline else None,
        co_organizer_ids=[u.id for u in event.co_organizers])


# --- Writing ------------------------------------------------------------------

def create_event(session: Session, organizer: User, details: EventDetails,
                 repeat: recurrence.Recurrence | None = None) -> Event:
    """Create a one-off event, or a series and all its occurrences. Returns
    the (first) event."""
    if not organizer.can_organize:
        raise NotAllowed("Only organizers can create events.")
    checked = check_details(session, details, organizer.id)
    now = utcnow()
    if repeat is None:
        wallclock.require_confirmed(checked.notes, details.confirmed_times)
        event = Event(organizer=organizer, status=EventStatus.SCHEDULED, created_at=now, updated_at=now)
        _apply(event, checked)
        session.add(event)
        session.commit()
        return event
    events = _create_occurrences(session, organizer, checked, repeat, now, details.confirmed_times)
    session.commit()
    return events[0]


def _create_occurrences(session: Session, organizer: User, checked: _Checked,
                        repeat: recurrence.Recurrence, now: datetime, confirmed: str) -> list[Event]:
    try:
        starts = recurrence.occurrence_starts(checked.walls.start, checked.timezone, repeat)
    except recurrence.RecurrenceError as exc:
        raise DomainError(str(exc), field="repeat_until") from exc
    meetings = [wallclock.shifted(checked, local_start) for local_start in starts]
    wallclock.require_confirmed((note for m in meetings for note in m.notes), confirmed)
    series = Series(frequency=repeat.frequency, interval=repeat.interval, until=repeat.until,
                    timezone=checked.timezone, starts_at=meetings[0].starts_at, wall_start=checked.walls.start,
                    all_day=checked.all_day, created_at=now, updated_at=now)
    session.add(series)
    events = []
    for meeting in meetings:
        event = Event(organizer=organizer, status=EventStatus.SCHEDULED, series=series,
                      created_at=now, updated_at=now)
        _apply(event, meeting)
        event.recurrence_id = event.starts_at
        session.add(event)
        events.append(event)
    return events


class Scope:
    THIS = "this"
    FOLLOWING = "following"


def update_event(session: Session, actor: User, event_id: int, details: EventDetails, *,
                 version: int | None, scope: str = Scope.THIS) -> Event:
    """Save an organizer's edit of one event, or of an occurrence and all the
    following ones in its series. Refuses a form made from an older version."""
    if scope not in (Scope.THIS, Scope.FOLLOWING):
        raise DomainError("Choose which meetings the change applies to.", field="scope")
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    if version is not None and version != event.version:
        raise EventChanged("Someone else changed this event while you were editing it. "
                           "The form now shows the latest version; make your change again.")
    if event.is_cancelled:
        raise DomainError("A cancelled event can't be edited; duplicate it to make a new one.")
    checked = check_details(session, details, event.organizer_id, kept=(event.starts_at, event.ends_at))
    following = _following(session, event) if scope == Scope.FOLLOWING and event.series_id else [event]
    targets = [e for e in following if not e.is_cancelled]
    for target in targets:
        # Every meeting changed must be the actor's to change, and keep its seats.
        require_organizer(target, actor)
        going = rsvps.going_count(session, target.id)
        if checked.capacity is not None and checked.capacity < going:
            raise DomainError(f"{going} people are already going to the meeting of "
                              f"{target.starts_at.astimezone(ZoneInfo(target.timezone)):%d %b}; "
                              "the capacity can't be lower than that.", field="capacity")
    if len(targets) > 1:
        _check_series_move(event, checked)
    now = utcnow()
    shift = checked.walls.start - _wall(event)  # the following meetings move as far from where each is
    rule_wall = wallclock.series_wall(event, checked.walls.start)  # for a split: the rule's new time
    planned = [(t, checked if t is event else wallclock.shifted(checked, _wall(t) + shift)) for t in targets]
    wallclock.require_confirmed((note for _, c in planned for note in c.notes), details.confirmed_times)
    changed = []
    for target, target_checked in planned:
        before = _snapshot(target)
        _apply(target, target_checked)
        calendar_change = _record_change(target, before, now)
        if calendar_change and _changed(before, target, NOTIFY_FIELDS):
            changed.append((target, before))
        if calendar_change and target.series_id is not None and scope == Scope.THIS:
            # No longer what the series' rule says: exported as an override.
            target.is_exception = True
    if scope == Scope.FOLLOWING and event.series_id:
        _split_series(session, event, following, now, rule_wall)
    _touch_series(following, now)
    for target in targets:
        rsvps.promote_from_waitlist(session, target)
    if changed:
        notices.events_changed(session, changed)
    session.commit()
    return event


def _wall(event: Event) -> datetime:
    """The event's start as naive wall-clock time in its own zone."""
    return event.starts_at.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)


def _check_series_move(event: Event, checked: _Checked) -> None:
    """A monthly series is tied to 'the Nth weekday': moving the following
    meetings to another day would leave meetings the rule doesn't have."""
    series = event.series
    new_day = checked.starts_at.astimezone(ZoneInfo(checked.timezone)).date()
    if series is not None and series.frequency == recurrence.Frequency.MONTHLY and new_day != _wall(event).date():
        raise DomainError("The meetings of a monthly series can't move to another day all at once. Move this "
                          "meeting on its own, or cancel the following ones and create a new series.",
                          field="start_date")


def _following(session: Session, event: Event) -> list[Event]:
    """`event` and the later occurrences of its series, locked, in order."""
    ids = list(session.scalars(sa.select(Event.id).where(
        Event.series_id == event.series_id, Event.recurrence_id > event.recurrence_id)))
    return [event] + sorted(lock_events(session, ids), key=lambda e: e.recurrence_id)


def _split_series(session: Session, event: Event, following: list[Event], now: datetime,
                  rule_wall: datetime) -> None:
    """'This and following': the old series ends the day before `event`; the
    edited occurrences (cancelled ones too, so they stay excluded) form a new
    series starting at `event`, its rule at `rule_wall`. From the first
    occurrence, the whole series simply changes."""
    old = event.series
    if event.recurrence_id == old.starts_at:
        series = old
    else:
        series = Series(frequency=old.frequency, interval=old.interval, until=old.until, created_at=now,
                        updated_at=now, revision=max(e.revision for e in following))
        old.revision += 1
        old.updated_at = now
        session.add(series)
        old.until = event.recurrence_id.astimezone(ZoneInfo(old.timezone)).date() - timedelta(days=1)
    zone = ZoneInfo(event.timezone)
    series.timezone, series.all_day, series.starts_at = event.timezone, event.all_day, event.starts_at
    series.wall_start = rule_wall
    # Moving to a later weekday can carry the last meeting past the old last date.
    series.until = max(series.until, *(e.starts_at.astimezone(zone).date() for e in following))
    for occurrence in following:
        occurrence.series = series
        occurrence.recurrence_id = occurrence.starts_at
        occurrence.is_exception = False


def _touch_series(events: list[Event], now: datetime) -> None:
    """A series' calendar entry changes with any of its meetings."""
    for series in {e.series for e in events if e.series is not None}:
        series.revision += 1
        series.updated_at = now


def cancel_event(session: Session, actor: User, event_id: int, *, scope: str = Scope.THIS) -> list[Event]:
    """Cancel an event (or an occurrence and the following ones). Nothing is
    deleted: RSVPs stay, new ones are refused, and everyone who answered is told."""
    if scope not in (Scope.THIS, Scope.FOLLOWING):
        raise DomainError("Choose which meetings to cancel.")
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    following = _following(session, event) if scope == Scope.FOLLOWING and event.series_id else [event]
    now = utcnow()
    cancelled = []
    for target in following:
        if target.is_cancelled or target.ends_at < now:
            continue
        require_organizer(target, actor)
        before = _snapshot(target)
        target.status, target.cancelled_at = EventStatus.CANCELLED, now
        _record_change(target, before, now)
        cancelled.append(target)
    if not cancelled:
        raise DomainError("This event is already cancelled or over.")
    _touch_series(cancelled, now)
    notices.events_cancelled(session, cancelled)
    session.commit()
    return cancelled


def delete_event(session: Session, actor: User, event_id: int) -> None:
    """Only an event nobody has answered or attended may disappear."""
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    if has_responses(session, event_id):
        raise DomainError("People have answered this event, so it can't be deleted; cancel it instead.")
    series = event.series
    _touch_series([event], utcnow())  # the series' calendar entry gains an EXDATE
    session.delete(event)
    session.flush()
    if series is not None and not session.scalar(
            sa.select(sa.exists().where(Event.series_id == series.id))):
        session.delete(series)
    session.commit()
