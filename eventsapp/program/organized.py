"""Organizers' figures for their own events of the academic year (admins:
every event): per series and for one-off events, each meeting's going,
checked in, show rate, waitlist peak and capacity, and a summary per
series. One aggregate query, whatever the number of events or people
(docs/program.md, "Your events' attendance")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.attendance.models import CheckIn
from eventsapp.attendance.showrate import came_of_going
from eventsapp.events.models import Event, EventStatus, KeptAttendance, event_co_organizer
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState

#: A trend moves when the later half's mean is this much above or below the earlier's.
TREND_MARGIN = 0.10


@dataclass(frozen=True)
class Meeting:
    """One event, with what its organizer would count."""

    id: int
    title: str
    starts_at: datetime
    cancelled: bool
    ended: bool
    capacity: int | None
    going: int  # answers "going" now (at the start, for past events)
    checked_in: int  # members checked in, accounts since deleted too
    came: int  # of those going, checked in (attendance/showrate.py)
    guests: int  # walk-ins checked in by name, left out of the show rate
    waitlist_peak: int
    peak_complete: bool  # False: counted only since peaks were first kept

    @property
    def held(self) -> bool:
        return self.ended and not self.cancelled

    @property
    def show_rate(self) -> int | None:
        return round(100 * self.came / self.going) if self.held and self.going else None


@dataclass(frozen=True)
class Group:
    """A series' meetings this year (`series_id` None: the one-off events)."""

    series_id: int | None
    title: str
    meetings: list[Meeting]

    @property
    def held(self) -> list[Meeting]:
        return [m for m in self.meetings if m.held]

    @property
    def show_rate(self) -> int | None:
        """Of those going, checked in, across the held meetings (weighted by going)."""
        going = sum(m.going for m in self.held)
        return round(100 * sum(m.came for m in self.held) / going) if going else None

    @property
    def highest_peak(self) -> int:
        return max((m.waitlist_peak for m in self.meetings if not m.cancelled), default=0)

    @property
    def trend(self) -> Trend | None:
        return trend([m.checked_in for m in self.held])


@dataclass(frozen=True)
class Trend:
    """Mean checked in at the earlier and the later half of the held meetings."""

    earlier: float
    later: float

    @property
    def word(self) -> str:
        if self.later > self.earlier * (1 + TREND_MARGIN):
            return "Rising"
        if self.later < self.earlier * (1 - TREND_MARGIN):
            return "Falling"
        return "Steady"


def trend(counts: list[int]) -> Trend | None:
    """The later half against the earlier (an odd middle one left out);
    None with fewer than two meetings held."""
    if len(counts) < 2:
        return None
    half = len(counts) // 2
    earlier, later = counts[:half], counts[-half:]
    return Trend(round(sum(earlier) / half, 1), round(sum(later) / half, 1))


def _counted(model, *cases) -> sa.Subquery:
    columns = [sa.func.sum(sa.case((condition, 1), else_=0)).label(name) for name, condition in cases]
    return sa.select(model.event_id.label("event_id"), *columns).group_by(model.event_id).subquery()


def _with_kept(count, kept_count) -> sa.ColumnElement:
    """A count from the rows, plus what the event kept once its attendee-level
    rows were removed (docs/retention.md): either is zero, or both hold part."""
    return sa.func.coalesce(count, 0) + sa.func.coalesce(kept_count, 0)


def _statement(viewer_id: int | None, start: datetime, end: datetime, now: datetime, series_id: int | None):
    answers = _counted(Rsvp, ("going", Rsvp.state == RsvpState.GOING))
    arrivals = _counted(CheckIn, ("members", CheckIn.guest_name.is_(None)), ("guests", CheckIn.guest_name.is_not(None)))
    kept = KeptAttendance
    stmt = (
        sa.select(
            Event.id,
            Event.title,
            Event.series_id,
            Event.starts_at,
            Event.status,
            (Event.ends_at <= now).label("ended"),
            Event.capacity,
            _with_kept(answers.c.going, kept.going).label("going"),
            _with_kept(arrivals.c.members, kept.checked_in).label("checked_in"),
            _with_kept(came_of_going(Event.id), kept.came).label("came"),
            _with_kept(arrivals.c.guests, kept.guests).label("guests"),
            Event.waitlist_peak,
            Event.waitlist_peak_complete,
        )
        .outerjoin(answers, answers.c.event_id == Event.id)
        .outerjoin(arrivals, arrivals.c.event_id == Event.id)
        .outerjoin(kept, kept.event_id == Event.id)
        .where(Event.starts_at >= start, Event.starts_at < end)
        .order_by(Event.series_id.is_(None), Event.series_id, Event.starts_at, Event.id)
    )
    if viewer_id is not None:  # an organizer: their events and those they co-organize
        co_organized = sa.select(event_co_organizer.c.event_id).where(event_co_organizer.c.user_id == viewer_id)
        stmt = stmt.where(sa.or_(Event.organizer_id == viewer_id, Event.id.in_(co_organized)))
    if series_id is not None:
        stmt = stmt.where(Event.series_id == series_id)
    return stmt


def organized_figures(
    session: Session,
    *,
    viewer_id: int | None,
    start: datetime,
    end: datetime,
    now: datetime,
    series_id: int | None = None,
) -> list[Group]:
    """The events beginning in [start, end) that `viewer_id` organizes (None:
    every event, for admins), grouped by series, series first, each in date
    order; `series_id` keeps one series. One query."""
    groups: dict[int | None, list] = {}
    for row in session.execute(_statement(viewer_id, start, end, now, series_id)):
        meeting = Meeting(
            row.id,
            row.title,
            row.starts_at,
            row.status == EventStatus.CANCELLED,
            bool(row.ended),
            row.capacity,
            int(row.going),
            int(row.checked_in),
            int(row.came),
            int(row.guests),
            row.waitlist_peak,
            bool(row.waitlist_peak_complete),
        )
        groups.setdefault(row.series_id, []).append(meeting)
    return [
        Group(key, meetings[0].title if key is not None else "One-off events", meetings)
        for key, meetings in groups.items()
    ]


CSV_HEADER = [
    "Series",
    "Event",
    "Starts",
    "Status",
    "Capacity",
    "Going",
    "Checked in",
    "Guests by name",
    "Show rate (%)",
    "Waitlist peak",
    "Peak counted",
]


def csv_rows(groups: list[Group], to_day) -> list[list]:
    """Every meeting, then a summary row per series; `to_day` turns a moment
    into the hospital's date."""
    rows = []
    for group in groups:
        series = group.title if group.series_id is not None else ""
        for m in group.meetings:
            status = "Cancelled" if m.cancelled else "Held" if m.ended else "Upcoming"
            rows.append(
                [
                    series,
                    m.title,
                    to_day(m.starts_at),
                    status,
                    "" if m.capacity is None else m.capacity,
                    m.going,
                    m.checked_in if m.ended else "",
                    m.guests if m.ended else "",
                    "" if m.show_rate is None else m.show_rate,
                    m.waitlist_peak,
                    "from the start" if m.peak_complete else "since records began",
                ]
            )
        if group.series_id is not None:
            held = group.held
            rate = "" if group.show_rate is None else group.show_rate
            summary = f"Summary: {len(held)} held" + (f", {group.trend.word.lower()}" if group.trend else "")
            rows.append([series, summary, "", "", "", sum(m.going for m in held), "", "", rate, group.highest_peak, ""])
    return rows


def organizes_series(session: Session, viewer_id: int, series_id: int) -> bool:
    """Whether `viewer_id` organizes or co-organizes any meeting of the series."""
    co_organized = sa.select(event_co_organizer.c.event_id).where(event_co_organizer.c.user_id == viewer_id)
    mine = sa.or_(Event.organizer_id == viewer_id, Event.id.in_(co_organized))
    return bool(session.scalar(sa.select(sa.exists().where(Event.series_id == series_id, mine))))
