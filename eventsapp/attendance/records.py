"""A member's attendance record: the events they were checked in at, and
their share of the series a program requires (docs/program.md). Each in
a fixed number of queries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.errors import NotFound
from eventsapp.events.models import Event, EventStatus, KeptAttendance, Series
from eventsapp.profiles import career
from eventsapp.profiles.models import Profile
from eventsapp.timeutil import UTCDateTime

#: The career stages a requirement applies to.
REQUIRED_OF = (career.INTERN, career.RESIDENT)


class RecordsRemoved(NotFound):
    """The event's check-ins were removed after the retention period (docs/retention.md)."""


@dataclass(frozen=True)
class Year:
    first_day: date
    events: list[Event]


def attended(session: Session, user_id: int, year_of: Callable[[Event], date]) -> list[Year]:
    """The events the member was checked in at, latest first, grouped by
    the academic year `year_of` gives each (its first day), in one query."""
    events = session.scalars(
        sa.select(Event)
        .join(CheckIn, CheckIn.event_id == Event.id)
        .where(CheckIn.user_id == user_id)
        .order_by(Event.starts_at.desc(), Event.id.desc())
    ).all()
    years: list[Year] = []
    for event in events:
        first = year_of(event)
        if not years or years[-1].first_day != first:
            years.append(Year(first, []))
        years[-1].events.append(event)
    return years


def certificate_of(session: Session, user_id: int, event_id: int) -> tuple[Event, CheckIn]:
    """The event and the member's check-in at it; NotFound if they have none."""
    row = session.execute(
        sa.select(Event, CheckIn)
        .join(CheckIn, CheckIn.event_id == Event.id)
        .where(Event.id == event_id, CheckIn.user_id == user_id)
    ).first()
    if row is None and session.get(KeptAttendance, event_id) is not None:
        raise RecordsRemoved(
            "The attendance records of this event were removed after the hospital's retention period: "
            "a certificate can no longer be made for it."
        )
    if row is None:
        raise NotFound("You were not checked in at that event.")
    return row[0], row[1]


@dataclass(frozen=True)
class Requirement:
    series_id: int
    title: str
    percent: int


@dataclass(frozen=True)
class Share:
    user_id: int
    name: str
    requirement: Requirement
    held: int
    attended: int

    @property
    def percent(self) -> int:
        return round(100 * self.attended / self.held) if self.held else 0

    @property
    def below(self) -> bool:
        # Compared exactly, not on the rounded figure: 69.6% is below 70%.
        return 100 * self.attended < self.requirement.percent * self.held


def series_title():
    """A series' name in a query: its first meeting's title."""
    return (
        sa.select(Event.title)
        .where(Event.series_id == Series.id)
        .order_by(Event.starts_at, Event.id)
        .limit(1)
        .correlate(Series)
        .scalar_subquery()
    )


def requirements(session: Session) -> list[Requirement]:
    """The series with a requirement, named after their first meeting."""
    rows = session.execute(
        sa.select(Series.id, series_title(), Series.required_percent).where(Series.required_percent.is_not(None))
    ).all()
    return sorted((Requirement(i, t or "", p) for i, t, p in rows), key=lambda r: (r.title.lower(), r.series_id))


def required_of(*, department_ids: list[int] | None = None, user_id: int | None = None):
    """The members a requirement applies to (in those departments, or that
    one member, if given)."""
    stmt = sa.select(Profile.user_id).where(Profile.career_stage.in_(REQUIRED_OF))
    if department_ids is not None:
        stmt = stmt.where(Profile.department_id.in_(department_ids))
    if user_id is not None:
        stmt = stmt.where(Profile.user_id == user_id)
    return stmt


def shares(session: Session, people, *, since: datetime, now: datetime) -> list[Share]:
    """Each person's share of each required series' meetings held from
    `since` (or their registration, if later) up to `now`; `people` is a
    select of user ids. Two queries, counted in the database."""
    wanted = {r.series_id: r for r in requirements(session)}
    if not wanted:
        return []
    rows = session.execute(_shares_statement(people, sorted(wanted), since, now)).all()
    found = [Share(u, name, wanted[s], held, came) for u, name, s, held, came in rows]
    return sorted(found, key=lambda s: (s.requirement.title.lower(), s.requirement.series_id))


def _shares_statement(people, series_ids: list[int], since: datetime, now: datetime):
    """(user, name, series, held, attended), by name. The meetings held are
    few: those registered before `since` all count every one of them (read
    once per series), the later ones those since their registration; the
    check-ins at them are counted apart, rather than looked up for every
    member and meeting."""
    start = sa.literal(since, UTCDateTime)
    held = (
        sa.select(Event.id, Event.series_id, Event.starts_at)
        .where(
            Event.series_id.in_(series_ids),
            Event.status == EventStatus.SCHEDULED,
            Event.starts_at >= start,
            Event.starts_at <= now,
        )
        .cte("held")
        .prefix_with("MATERIALIZED")
    )
    members = (
        sa.select(User.id, User.name, User.name_key, User.created_at)
        .where(User.id.in_(people))
        .cte("members")
        .prefix_with("MATERIALIZED")
    )
    held_from = sa.case((members.c.created_at > start, members.c.created_at), else_=start)
    totals = sa.select(held.c.series_id, sa.func.count().label("n")).group_by(held.c.series_id).subquery("totals")
    counted = sa.union_all(
        sa.select(members.c.id, totals.c.series_id, totals.c.n)
        .join(totals, sa.true())
        .where(members.c.created_at <= start),
        sa.select(members.c.id, held.c.series_id, sa.func.count())
        .join(held, held.c.starts_at >= members.c.created_at)
        .where(members.c.created_at > start)
        .group_by(members.c.id, held.c.series_id),
    ).subquery("counted")
    came = (
        sa.select(CheckIn.user_id, held.c.series_id, sa.func.count().label("n"))
        .join(held, held.c.id == CheckIn.event_id)
        .join(members, members.c.id == CheckIn.user_id)
        .where(CheckIn.event_id.in_(sa.select(held.c.id)), held.c.starts_at >= held_from)  # read by meeting
        .group_by(CheckIn.user_id, held.c.series_id)
        .subquery("came")
    )
    return (
        sa.select(members.c.id, members.c.name, counted.c.series_id, counted.c.n, sa.func.coalesce(came.c.n, 0))
        .join(counted, counted.c.id == members.c.id)
        .outerjoin(came, sa.and_(came.c.user_id == counted.c.id, came.c.series_id == counted.c.series_id))
        .order_by(members.c.name_key, members.c.id)
    )
