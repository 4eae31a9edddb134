"""Attendance requirements on series, set by the program, and everyone's
share of them within a coordinator's departments (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.attendance import records
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.models import Event, Series
from eventsapp.program.coordinators import Scope
from eventsapp.timeutil import utcnow


def shares(session: Session, scope: Scope, *, since: datetime, now: datetime) -> list[records.Share]:
    """The shares of the residents and interns in the scope: three queries."""
    departments = None if scope.whole_hospital else sorted(scope.department_ids)
    return records.shares(session, records.required_of(department_ids=departments), since=since, now=now)


def stamp(session: Session) -> tuple[tuple[int, int], ...]:
    """Every requirement set, (series, percent): kept shares are keyed by
    it, so that a change made in one server process shows in all."""
    rows = session.execute(
        sa.select(Series.id, Series.required_percent).where(Series.required_percent.is_not(None)).order_by(Series.id)
    )
    return tuple((i, p) for i, p in rows)


def _in_scope(scope: Scope):
    """The series a coordinator may set a requirement on: for one limited to
    departments, those with a meeting of one of them (a hospital-wide series
    is for admins and coordinators of the whole hospital)."""
    if scope.whole_hospital:
        return sa.true()
    ours = sa.select(Event.id).where(
        Event.series_id == Series.id, Event.department_id.in_(sorted(scope.department_ids))
    )
    return sa.exists(ours)


def series_choices(session: Session, scope: Scope) -> list[tuple[int, str]]:
    """The series the viewer may set, named after its first meeting (and its requirement)."""
    rows = session.execute(
        sa.select(Series.id, records.series_title(), Series.required_percent).where(_in_scope(scope))
    ).all()
    named = [(i, f"{t or 'Series'} ({p}% required)" if p else (t or "Series")) for i, t, p in rows]
    return sorted(named, key=lambda c: (c[1].lower(), c[0]))


def set_requirement(session: Session, series_id: int, percent: int | None, scope: Scope) -> Series:
    """A coordinator (of the series' departments, or of the whole hospital)
    or an admin sets it; the view checks that the viewer is one."""
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("That series does not exist.")
    if not session.scalar(sa.select(_in_scope(scope)).where(Series.id == series_id)):
        raise NotAllowed("You can set a requirement only on a series of the departments you follow.")
    if percent is not None and not 1 <= percent <= 100:
        raise DomainError("Give a share from 1 to 100%, or none.", field="percent")
    series.required_percent = percent
    series.updated_at = utcnow()
    session.commit()
    return series


#: Rows a page of the table lists, those below their requirement first; the CSV holds them all.
SHOWN = 25


@dataclass(frozen=True)
class Table:
    """What the page shows of the shares, counted once with the figures
    rather than by the template over every row on each request: the rows
    in the page's order (those below their requirement, then the others,
    each in the table's order), how many are below, how many series."""

    shares: list[records.Share]
    ordered: list[records.Share]
    below: int
    series: int


def table(found: list[records.Share]) -> Table:
    below = [s for s in found if s.below]
    ordered = below + [s for s in found if not s.below]
    return Table(found, ordered, len(below), len({s.requirement.series_id for s in found}))


SHARES_HEADER = ["Series", "Required (%)", "Name", "Held", "Attended", "Share (%)", "Below"]


def share_rows(found: list[records.Share]) -> list[list]:
    return [
        [s.requirement.title, s.requirement.percent, s.name, s.held, s.attended, s.percent, "yes" if s.below else ""]
        for s in found
    ]
