"""The program pages' figures, from plain values: the viewer's scope, the
hospital's zone and the settings (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.profiles.models import Department
from eventsapp.program import funnel
from eventsapp.program.coordinators import Scope
from eventsapp.program.year import Week, add_months, parse_month_day, year_start


@dataclass(frozen=True)
class Year:
    """The academic year under way: its first day, the target's date, and
    both as moments (midnight at the hospital)."""

    first_day: date
    target_day: date
    start: datetime
    target_at: datetime
    percent: int


@dataclass(frozen=True)
class Overview:
    year: Year
    steps: list[funnel.Step]
    weeks: list[Week]


def current_year(now: datetime, zone: ZoneInfo, *, year_start_setting: str, target_months: int, percent: int) -> Year:
    month, day = parse_month_day(year_start_setting)
    first = year_start(now.astimezone(zone).date(), month, day)
    target = add_months(first, target_months)
    return Year(first, target, _midnight(first, zone), _midnight(target, zone), percent)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


def overview(session: Session, scope: Scope, year: Year, now: datetime) -> Overview:
    steps = funnel.funnel(session, scope, start=year.start, now=now)
    return Overview(year, steps, weekly(session, scope, year, now))


def weekly(session: Session, scope: Scope, year: Year, now: datetime) -> list[Week]:
    return funnel.weeks(session, scope, start=year.start, now=now, target_at=year.target_at, percent=year.percent)


def weeks_rows(weeks: list[Week], zone: ZoneInfo) -> list[list]:
    """The weekly table as CSV rows (the header is WEEKS_HEADER)."""
    return [
        [
            w.number,
            w.last_moment.astimezone(zone).date().isoformat(),
            w.interns,
            w.with_mentor,
            _cell(w.share),
            w.target,
        ]
        for w in weeks
    ]


WEEKS_HEADER = ["Week", "Up to", "Interns", "With a mentor", "Share (%)", "Target (%)"]


def _cell(value) -> str:
    return "" if value is None else str(value)


def department_names(session: Session, scope: Scope) -> list[str] | None:
    """The names of the scope's departments; None for the whole hospital."""
    if scope.whole_hospital:
        return None
    rows = session.scalars(sa.select(Department.name).where(Department.id.in_(sorted(scope.department_ids))))
    return sorted(rows)
