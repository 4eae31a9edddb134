"""The academic year and the program's target, from plain values. Pure:
no Flask, no database (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


def parse_month_day(text: str) -> tuple[int, int]:
    """PROGRAM_YEAR_START ("MM-DD") as (month, day); ValueError if it is none."""
    month, day = (int(part) for part in str(text).strip().split("-"))
    date(2001, month, day)  # a day every year has (29 February is refused)
    return month, day


def year_start(today: date, month: int, day: int) -> date:
    """The first day of the academic year `today` is in."""
    start = date(today.year, month, day)
    return start if start <= today else date(today.year - 1, month, day)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or the month's last day, when shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")


@dataclass(frozen=True)
class Week:
    number: int
    ends: datetime  # the moment counted: the week's end, or now for the week under way
    interns: int
    with_mentor: int
    target: int  # percent

    @property
    def last_moment(self) -> datetime:
        """The last moment the week holds (its end is the next one's start)."""
        return self.ends - timedelta(microseconds=1)

    @property
    def share(self) -> int | None:
        return round(100 * self.with_mentor / self.interns) if self.interns else None


def target_on(moment: datetime, start: datetime, target_at: datetime, percent: int) -> int:
    """The target's straight path: 0% when the year begins, `percent` on
    the target date, and `percent` after it."""
    if moment >= target_at:
        return percent
    return round(percent * (moment - start) / (target_at - start))


def week_ends(start: datetime, now: datetime) -> list[datetime]:
    """The moment counted for each week since `start`: its end, or `now`
    for the week under way (the last)."""
    moments, ends = [], start + timedelta(days=7)
    while True:
        moments.append(min(ends, now))
        if ends >= now:
            return moments
        ends += timedelta(days=7)


def counts_on(joined: datetime, moment: datetime) -> bool:
    """An intern counts on `moment` once registered (the cohort itself is
    today's interns of the scope: docs/program.md)."""
    return joined <= moment


def under_way(began: datetime, closed: datetime | None, moment: datetime) -> bool:
    """A mentorship is under way on `moment` from its start until it closes."""
    return began <= moment and (closed is None or closed > moment)


def weeks_of(
    counts: list[tuple[int, int]], *, start: datetime, now: datetime, target_at: datetime, percent: int
) -> list[Week]:
    """The weeks, from (interns, with a mentor) counted at each of week_ends."""
    return [
        Week(number, moment, interns, mentored, target_on(moment, start, target_at, percent))
        for number, (moment, (interns, mentored)) in enumerate(zip(week_ends(start, now), counts, strict=True), 1)
    ]


def weekly_share(
    joined: dict[int, datetime],
    spells: list[tuple[int, datetime, datetime | None]],
    *,
    start: datetime,
    now: datetime,
    target_at: datetime,
    percent: int,
) -> list[Week]:
    """The rule on plain data: for each week since `start`, the interns
    registered by its end and how many of them had a mentorship under way
    then. `joined` maps each intern to their registration; `spells` are
    (intern, started, closed). The database counts the same
    (funnel.weeks); a property test holds the two together."""
    counts = []
    for moment in week_ends(start, now):
        present = {i for i, at in joined.items() if counts_on(at, moment)}
        mentored = {i for i, began, closed in spells if i in present and under_way(began, closed, moment)}
        counts.append((len(present), len(mentored)))
    return weeks_of(counts, start=start, now=now, target_at=target_at, percent=percent)
