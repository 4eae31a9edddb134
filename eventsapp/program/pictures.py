"""The program pages' charts from the figures the pages show: each picks
what its chart draws (bars.py) from the same numbers as the page's table,
so that the picture and the table always agree (docs/program.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from eventsapp.attendance.records import Share
from eventsapp.program import bars
from eventsapp.program.demand import Demand
from eventsapp.program.funnel import Step
from eventsapp.program.introducing_events import Yield

#: The events drawn: the first of the ranking that led to an introduction.
EVENTS_DRAWN = 10
#: The specialties drawn: those with the most interns interested.
SPECIALTIES_DRAWN = 12

FUNNEL_HEADER = ["Step", "Interns", "Of those registered (%)", "Of the step before (%)"]


def funnel_rows(steps: list[Step]) -> list[list]:
    """The funnel's table as CSV rows (the header is FUNNEL_HEADER)."""
    return [[s.label, s.count, _cell(s.percent), "" if i == 0 else _cell(s.of_previous)] for i, s in enumerate(steps)]


def _cell(value) -> str:
    return "" if value is None else str(value)


def funnel_svg(steps: list[Step], size: bars.Size) -> bytes:
    rows = [(s.label, s.count, s.percent) for s in steps]
    return bars.funnel_svg(rows, title="From registering to a lasting mentorship", size=size)


def demand_pairs(demand: Demand) -> list[bars.Pair]:
    """The specialties most interns are interested in, most first (the
    table lists them all); a count the viewer may not read stays hidden
    (None)."""
    wanted = sorted((r for r in demand.specialties if r.interns), key=lambda r: (-r.interns, r.name.casefold()))
    return [bars.Pair(r.name, r.interns, r.with_room.value) for r in wanted[:SPECIALTIES_DRAWN]]


def demand_svg(demand: Demand, size: bars.Size) -> bytes:
    return bars.demand_svg(demand_pairs(demand), title="Interns interested, and colleagues with room", size=size)


def events_drawn(ranked: list[Yield]) -> list[Yield]:
    """The events the chart draws: those that led to an introduction, best first."""
    return [y for y in ranked if y.introductions][:EVENTS_DRAWN]


def events_svg(ranked: list[Yield], day_label: Callable[[datetime], str], size: bars.Size) -> bytes:
    rows = [(f"{y.title}\n{day_label(y.starts_at)}", y.introductions) for y in events_drawn(ranked)]
    return bars.ranked_svg(
        rows, title="Events that led to the most introductions", counted="Introductions within 7 days", size=size
    )


def spreads(shares: list[Share]) -> list[bars.Spread]:
    """Each required series with everyone's share of it, in the table's order."""
    found: dict[int, bars.Spread] = {}
    for share in shares:
        series = share.requirement
        spread = found.setdefault(series.series_id, bars.Spread(series.title, series.percent, []))
        spread.shares.append((share.percent, share.below))
    return list(found.values())


def attendance_svg(shares: list[Share], size: bars.Size) -> bytes:
    return bars.spread_svg(spreads(shares), title="Shares of the required series attended", size=size)
