"""The public feeds: every event, or those of one kind, specialty or
department, holding exactly the meetings the event list shows with the
same filters.

A recurring meeting is one VEVENT with its RRULE, an EXDATE for every
meeting that was cancelled (or deleted) or that the filter leaves out, and
a RECURRENCE-ID override for every meeting edited on its own. Filters test
each meeting, not the series: one meeting changed to another kind leaves
the series' other meetings out of that kind's feed, and itself out of the
series' kind. When the filter keeps only meetings edited on their own (and
none that follow the series' details), those are listed on their own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.events import recurrence, wallclock
from eventsapp.events.models import Event, Series, event_specialty
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build
from eventsapp.ical.describe import Export, Links, describe, last_modified, uid_of
from eventsapp.ical.export import REFRESH, window

UTC = ZoneInfo("UTC")


@dataclass(frozen=True)
class PublicFilters:
    kind: str | None = None
    specialty_id: int | None = None
    department_id: int | None = None

    def conditions(self) -> list:
        """The event list's conditions for these filters."""
        found = []
        if self.kind:
            found.append(Event.kind == self.kind)
        if self.department_id:
            found.append(Event.department_id == self.department_id)
        if self.specialty_id:
            found.append(
                sa.exists().where(
                    event_specialty.c.event_id == Event.id, event_specialty.c.specialty_id == self.specialty_id
                )
            )
        return found


def _load(session: Session, stmt) -> list[Event]:
    return list(session.scalars(stmt.options(selectinload(Event.specialties))))


def public_feed(session: Session, filters: PublicFilters, links: Links, now: datetime, name: str) -> Export:
    conditions = filters.conditions()
    events = _load(session, sa.select(Event).where(*window(now), *conditions).order_by(Event.starts_at, Event.id))
    items = [describe(e, links) for e in events if e.series_id is None]
    series_ids = sorted({e.series_id for e in events if e.series_id is not None})
    if series_ids:
        # Every meeting of these series, also outside the window, so the
        # rule's EXDATEs and overrides are complete; and which of them the
        # filters keep.
        all_meetings = _load(
            session,
            sa.select(Event)
            .where(Event.series_id.in_(series_ids))
            .order_by(Event.starts_at)
            .options(selectinload(Event.series)),
        )
        kept = set(session.scalars(sa.select(Event.id).where(Event.series_id.in_(series_ids), *conditions)))
        grouped: dict[int, list[Event]] = {}
        for meeting in all_meetings:
            grouped.setdefault(meeting.series_id, []).append(meeting)
        for series_id in series_ids:
            meetings = grouped[series_id]
            items += describe_series(meetings[0].series, meetings, links, kept)
    items.sort(key=lambda i: (i.uid, i.recurrence_id is not None, str(i.recurrence_id)))
    return Export.of(build(IcsCalendar(items, name=name, refresh=REFRESH)), last_modified(items, now=now))


def describe_series(
    series: Series, occurrences: list[Event], links: Links, kept: set[int] | None = None
) -> list[IcsEvent]:
    """One master VEVENT with RRULE and EXDATEs, plus an override per
    meeting edited on its own or moved by the clocks; `kept`: the ids of the meetings the feed
    holds (all when None)."""
    shown = [e for e in occurrences if kept is None or e.id in kept]
    followers = [e for e in shown if not e.is_exception and not e.is_cancelled]
    if not followers and len(shown) < len(occurrences):
        # Only meetings edited on their own are kept: a master describing
        # meetings the feed leaves out would name the wrong kind or place.
        return [describe(e, links) for e in shown if not e.is_cancelled]
    template = followers[0] if followers else occurrences[0]
    # Each start as the rule has it on the wall clock (02:30 on the day the
    # clocks skip it), keyed by when it really is (03:30 that day).
    generated = {
        start.astimezone(UTC): start
        for start in recurrence.occurrence_starts(series.local_start, series.timezone, series.rule)
    }
    master = _master(
        series,
        template,
        describe(
            template,
            links,
            uid=uid_of("series", series.id, links),
            rrule=series.rrule,
            exdates=_exdates(series, generated, shown),
            sequence=series.revision,
            created=series.created_at,
            modified=series.updated_at,
        ),
    )
    items = [master]
    for occurrence in shown:
        start = generated.get(occurrence.recurrence_id)
        if start is None:
            # Not an instance of the rule (a meeting moved off its weekday):
            # listed on its own rather than lost.
            if not occurrence.is_cancelled:
                items.append(describe(occurrence, links))
        elif not occurrence.is_cancelled and (occurrence.is_exception or _skipped(series, start)):
            # Edited on its own, or where the clocks skip the rule's time:
            # readers place such a start alike but not its end, so the
            # meeting is spelled out. One SEQUENCE per UID: the series'
            # own, which every change to any of its meetings raises.
            items.append(
                describe(
                    occurrence,
                    links,
                    uid=master.uid,
                    sequence=master.sequence,
                    recurrence_id=start.date() if series.all_day else start,
                )
            )
    return items


def _exdates(series: Series, generated: dict[datetime, datetime], shown: list[Event]) -> list:
    """The rule's meetings the feed leaves out: cancelled, or not held."""
    by_start = {e.recurrence_id: e for e in shown}
    exdates = []
    for moment, start in generated.items():
        occurrence = by_start.get(moment)
        if occurrence is None or occurrence.is_cancelled:
            exdates.append(start.date() if series.all_day else start)
    return exdates


def _skipped(series: Series, start: datetime) -> bool:
    return not series.all_day and wallclock.skipped(start.replace(tzinfo=None), start.tzinfo)


def _master(series: Series, template: Event, item: IcsEvent) -> IcsEvent:
    """The master starts where the rule starts, and lasts as long as the
    template: in wall-clock time (all-day: in days), so daylight saving
    between the two does not shift its end."""
    zone = ZoneInfo(series.timezone)
    start = series.local_start.replace(tzinfo=zone)
    wall = template.ends_at.astimezone(zone).replace(tzinfo=None) - template.starts_at.astimezone(zone).replace(
        tzinfo=None
    )
    if series.all_day:
        wall = timedelta(days=max(1, round(wall / timedelta(days=1))))
    end = (start.replace(tzinfo=None) + wall).replace(tzinfo=zone)
    if series.all_day:
        return replace(item, start=start.date(), end=end.date())
    if _skipped(series, start):
        # A DTEND beside a DTSTART the clocks skip gives some readers a
        # meeting an hour longer, others one ending before it starts.
        return replace(item, start=start, end=wallclock.to_utc(start.replace(tzinfo=None), zone) + wall, duration=wall)
    return replace(item, start=start, end=end)
