"""Event times as organizers enter them: on the wall clock of the event's
zone, where a daylight-saving change skips an hour (02:30 does not exist on
the day clocks go forward) or repeats one (01:30 happens twice when they go
back).

Such a time is placed as calendar apps place it (RFC 5545): a skipped time
moves forward by the length of the gap and the meeting keeps its length; a
repeated time is the first of the two. The organizer is told, in words, and
confirms before anything is saved, for a single event and for each meeting
of a series alike.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from eventsapp.errors import DomainError
from eventsapp.events.models import LONGEST_EVENT, Event

YEARS_BACK, YEARS_AHEAD = 5, 10


class TimesNeedConfirming(DomainError):
    """The times entered fall where the clocks change; `notes` say where each
    one would be, `token` confirms exactly these notes."""

    def __init__(self, notes: tuple[str, ...]):
        super().__init__(" ".join(notes), field="start_time")
        self.notes = notes
        self.token = fingerprint(notes)


@dataclass(frozen=True)
class Span:
    starts_at: datetime  # aware UTC
    ends_at: datetime
    notes: tuple[str, ...] = ()


def to_utc(wall: datetime, zone: ZoneInfo, fold: int = 0) -> datetime:
    """A naive wall-clock time in `zone` as aware UTC. With fold 0 a skipped
    time takes the offset from before the change, i.e. lands later on the
    clock; a repeated one is its first occurrence."""
    return wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)


def skipped(wall: datetime, zone: ZoneInfo) -> bool:
    """True if the clocks jump over `wall` in `zone`."""
    return to_utc(wall, zone).astimezone(zone).replace(tzinfo=None) != wall


def repeated(wall: datetime, zone: ZoneInfo) -> bool:
    """True if `wall` happens twice in `zone` (clocks go back over it)."""
    return not skipped(wall, zone) and to_utc(wall, zone, 0) != to_utc(wall, zone, 1)


def place_span(start: datetime, end: datetime, zone: ZoneInfo, *, all_day: bool = False) -> Span:
    """Where an event entered as `start`–`end` (naive, on the wall clock)
    really happens, with a note for the organizer for each oddity."""
    starts_at = to_utc(start, zone)
    if all_day:  # a day that starts at 01:00 is still that day
        return Span(starts_at, to_utc(end, zone))
    notes = []
    if skipped(start, zone):
        ends_at = starts_at + (end - start)
        notes.append(
            f"{start:%H:%M} does not exist on {_day(start)} in {_place(zone)} (clocks go forward): "
            f"it would be {_span_text(starts_at, ends_at, zone)}."
        )
    else:
        ends_at = to_utc(end, zone)
        if skipped(end, zone):
            notes.append(
                f"{end:%H:%M} does not exist on {_day(end)} in {_place(zone)} (clocks go forward): "
                f"it would be {_span_text(starts_at, ends_at, zone)}."
            )
    if repeated(start, zone):
        first = starts_at.astimezone(zone)
        abbreviation = f"{first.tzname()}, " if (first.tzname() or "").isalpha() else ""
        notes.append(
            f"{start:%H:%M} happens twice on {_day(start)} in {_place(zone)} (clocks go back): "
            f"it would be the first {start:%H:%M} ({abbreviation}{_offset(first)}), "
            f"{_span_text(starts_at, ends_at, zone)}."
        )
    return Span(starts_at, ends_at, tuple(notes))


def _day(wall: datetime) -> str:
    return f"{wall:%A} {wall.day} {wall:%B %Y}"


def _place(zone: ZoneInfo) -> str:
    return zone.key.rsplit("/", 1)[-1].replace("_", " ")


def _offset(moment: datetime) -> str:
    minutes = int(moment.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _span_text(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> str:
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} – {_day(end)} {end:%H:%M}"


def fingerprint(notes: tuple[str, ...]) -> str:
    """What a confirmation refers to: a new time brings new notes and asks again."""
    return hashlib.sha256("\n".join(notes).encode()).hexdigest()[:16]


def require_confirmed(notes, token: str | None) -> None:
    """Go on only if there is nothing to confirm, or the organizer confirmed these very notes."""
    notes = tuple(notes)
    if notes and fingerprint(notes) != (token or ""):
        raise TimesNeedConfirming(notes)


@dataclass(frozen=True)
class Walls:
    """What the organizer entered, on the wall clock (naive)."""

    start: datetime
    end: datetime
    deadline: datetime | None


def check_times(d, zone: ZoneInfo, kept: tuple[datetime, datetime] | None = None) -> tuple[Span, Walls]:
    """The event's span from the details entered (`d`: an EventDetails), and
    the wall-clock times it was made from. Raises DomainError."""
    if d.start_date is None:
        raise DomainError("Enter the date the event starts.", field="start_date")
    today = date.today()
    if (
        not today.replace(year=today.year - YEARS_BACK, day=1)
        <= d.start_date
        <= today.replace(year=today.year + YEARS_AHEAD, day=1)
    ):
        raise DomainError(
            f"Choose a date within {YEARS_BACK} years back and {YEARS_AHEAD} years ahead.", field="start_date"
        )
    end_date = d.end_date or d.start_date
    if d.all_day:
        if end_date < d.start_date:
            raise DomainError("The last day can't be before the first day.", field="end_date")
        # Local midnight to local midnight after the last day (exclusive).
        walls = Walls(
            datetime.combine(d.start_date, time(0)), datetime.combine(end_date + timedelta(days=1), time(0)), None
        )
        span = place_span(walls.start, walls.end, zone, all_day=True)
        too_long = (end_date - d.start_date).days >= LONGEST_EVENT.days
    else:
        if d.start_time is None:
            raise DomainError("Enter the start time, or make it an all-day event.", field="start_time")
        if d.end_time is None:
            raise DomainError("Enter the end time.", field="end_time")
        walls = Walls(datetime.combine(d.start_date, d.start_time), datetime.combine(end_date, d.end_time), None)
        if walls.end <= walls.start:
            raise DomainError("The event must end after it starts.", field="end_time")
        span = place_span(walls.start, walls.end, zone)
        too_long = span.ends_at - span.starts_at > LONGEST_EVENT
    # (An event saved longer, before all-day events were held to the limit,
    # can still have its other details edited.)
    if too_long and (span.starts_at, span.ends_at) != kept:
        raise DomainError(f"An event can last at most {LONGEST_EVENT.days} days.", field="end_date")
    return span, walls


def shifted(checked, local_start: datetime):
    """The same checked details (`checked`: a details.CheckedDetails) on another
    day: same wall-clock time, length and deadline distance, placed as
    `place_span` places them, with its own notes."""
    zone = ZoneInfo(checked.timezone)
    shift = local_start.replace(tzinfo=None) - checked.walls.start
    walls = Walls(
        checked.walls.start + shift,
        checked.walls.end + shift,
        checked.walls.deadline + shift if checked.walls.deadline else None,
    )
    span = place_span(walls.start, walls.end, zone, all_day=checked.all_day)
    deadline = to_utc(walls.deadline, zone) if walls.deadline else None
    return replace(
        checked, starts_at=span.starts_at, ends_at=span.ends_at, rsvp_deadline=deadline, walls=walls, notes=span.notes
    )


def series_wall(event: Event, entered: datetime) -> datetime:
    """The wall-clock start of a rule that puts `event` at `entered`, the time
    typed in a form that showed where the event is. A meeting its series'
    rule puts in a skipped hour (02:30) is shown where it is (03:30): the
    rule stays an hour earlier than what was typed."""
    zone = ZoneInfo(event.timezone)
    wall = event.starts_at.astimezone(zone).replace(tzinfo=None)
    if event.series is None:
        return entered
    ruled = datetime.combine(wall.date(), event.series.local_start.time())
    return entered + (ruled - wall) if to_utc(ruled, zone) == event.starts_at else entered
