"""Editing an event, or a meeting of a series and all the following ones:
what is stored, the revision calendars compare, and what is announced
(seats that may have opened, changes people who answered must hear of)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events import recurrence, signals, wallclock
from eventsapp.events.details import CheckedDetails, EventDetails, apply_details, check_details
from eventsapp.events.links import EventLinks
from eventsapp.events.locks import lock_event, lock_events
from eventsapp.events.models import Event, Series
from eventsapp.events.organizers import require_organizer
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

# What a calendar shows: a change to any of these bumps the revision.
CALENDAR_FIELDS = (
    "title",
    "kind",
    "timezone",
    "starts_at",
    "ends_at",
    "all_day",
    "description",
    "location",
    "online_url",
    "status",
)
# What the people going need to hear about.
NOTIFY_FIELDS = ("title", "starts_at", "ends_at", "all_day", "location", "online_url")


class EventChanged(DomainError):
    """The form was made from an older version of the event."""


class Scope:
    THIS = "this"
    FOLLOWING = "following"


def snapshot(event: Event) -> dict:
    values = {name: getattr(event, name) for name in CALENDAR_FIELDS}
    values["specialties"] = sorted(s.id for s in event.specialties)
    return values


def _changed(before: dict, event: Event, names) -> bool:
    after = snapshot(event)
    return any(before[name] != after[name] for name in names)


def record_change(event: Event, before: dict, now: datetime) -> bool:
    """Bump the revision if a calendar would show the difference."""
    event.version += 1
    event.updated_at = now
    if _changed(before, event, (*CALENDAR_FIELDS, "specialties")):
        event.revision += 1
        return True
    return False


def update_event(
    session: Session,
    actor: User,
    event_id: int,
    details: EventDetails,
    *,
    version: int | None,
    scope: str = Scope.THIS,
    links: EventLinks | None = None,
) -> Event:
    """Save an organizer's edit of one event, or of an occurrence and all the
    following ones in its series. Refuses a form made from an older version.
    `links`: how to link the event in what is sent about the change."""
    if scope not in (Scope.THIS, Scope.FOLLOWING):
        raise DomainError("Choose which meetings the change applies to.", field="scope")
    begin_write(session)
    event = lock_event(session, event_id)
    if event is None:
        raise NotFound("No such event.")
    require_organizer(event, actor)
    if version is not None and version != event.version:
        raise EventChanged(
            "Someone else changed this event while you were editing it. "
            "The form now shows the latest version; make your change again."
        )
    if event.is_cancelled:
        raise DomainError("A cancelled event can't be edited; duplicate it to make a new one.")
    checked = check_details(session, details, event.organizer_id, kept=(event.starts_at, event.ends_at))
    following = following_meetings(session, event) if scope == Scope.FOLLOWING and event.series_id else [event]
    targets = [e for e in following if not e.is_cancelled]
    _check_targets(session, event, targets, actor, checked)
    now = utcnow()
    shift = checked.walls.start - _wall(event)  # the following meetings move as far from where each is
    rule_wall = wallclock.series_wall(event, checked.walls.start)  # for a split: the rule's new time
    planned = [(t, checked if t is event else wallclock.shifted(checked, _wall(t) + shift)) for t in targets]
    wallclock.require_confirmed((note for _, c in planned for note in c.notes), details.confirmed_times)
    changed = _apply_edits(planned, scope, now)
    if scope == Scope.FOLLOWING and event.series_id:
        _split_series(session, event, following, now, rule_wall)
    touch_series(following, now)
    signals.events_saved.send(session, events=targets, links=links)
    if changed:
        signals.events_changed.send(session, edits=changed, links=links)
    session.commit()
    return event


def _check_targets(session: Session, event: Event, targets: list[Event], actor: User, checked: CheckedDetails) -> None:
    """Every meeting changed must be the actor's to change, and keep its seats."""
    for target in targets:
        require_organizer(target, actor)
        if checked.capacity is None:
            continue
        going = sum(signals.answers(signals.counting_seats, session, event_id=target.id))
        if checked.capacity < going:
            raise DomainError(
                f"{going} people are already going to the meeting of "
                f"{target.starts_at.astimezone(ZoneInfo(target.timezone)):%d %b}; "
                "the capacity can't be lower than that.",
                field="capacity",
            )
    if len(targets) > 1:
        _check_series_move(event, checked)


def _apply_edits(planned: list[tuple[Event, CheckedDetails]], scope: str, now: datetime) -> list[tuple[Event, dict]]:
    """Store each meeting's new details; return those whose change people
    who answered must hear of, each with its fields before."""
    changed = []
    for target, target_checked in planned:
        before = snapshot(target)
        apply_details(target, target_checked)
        calendar_change = record_change(target, before, now)
        if calendar_change and _changed(before, target, NOTIFY_FIELDS):
            changed.append((target, before))
        if calendar_change and target.series_id is not None and scope == Scope.THIS:
            # No longer what the series' rule says: exported as an override.
            target.is_exception = True
    return changed


def _wall(event: Event) -> datetime:
    """The event's start as naive wall-clock time in its own zone."""
    return event.starts_at.astimezone(ZoneInfo(event.timezone)).replace(tzinfo=None)


def _check_series_move(event: Event, checked: CheckedDetails) -> None:
    """A monthly series is tied to 'the Nth weekday': moving the following
    meetings to another day would leave meetings the rule doesn't have."""
    series = event.series
    new_day = checked.starts_at.astimezone(ZoneInfo(checked.timezone)).date()
    if series is not None and series.frequency == recurrence.Frequency.MONTHLY and new_day != _wall(event).date():
        raise DomainError(
            "The meetings of a monthly series can't move to another day all at once. Move this "
            "meeting on its own, or cancel the following ones and create a new series.",
            field="start_date",
        )


def following_meetings(session: Session, event: Event) -> list[Event]:
    """`event` and the later occurrences of its series, locked, in order."""
    ids = list(
        session.scalars(
            sa.select(Event.id).where(Event.series_id == event.series_id, Event.recurrence_id > event.recurrence_id)
        )
    )
    return [event] + sorted(lock_events(session, ids), key=lambda e: e.recurrence_id)


def _split_series(session: Session, event: Event, following: list[Event], now: datetime, rule_wall: datetime) -> None:
    """'This and following': the old series ends the day before `event`; the
    edited occurrences (cancelled ones too, so they stay excluded) form a new
    series starting at `event`, its rule at `rule_wall`. From the first
    occurrence, the whole series simply changes."""
    old = event.series
    if event.recurrence_id == old.starts_at:
        series = old
    else:
        series = Series(
            frequency=old.frequency,
            interval=old.interval,
            until=old.until,
            created_at=now,
            updated_at=now,
            revision=max(e.revision for e in following),
        )
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


def touch_series(events: list[Event], now: datetime) -> None:
    """A series' calendar entry changes with any of its meetings."""
    for series in {e.series for e in events if e.series is not None}:
        series.revision += 1
        series.updated_at = now
