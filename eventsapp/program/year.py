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


def weekly_share(
    joined: dict[int, datetime],
    spells: list[tuple[int, datetime, datetime | None]],
    *,
    start: datetime,
    now: datetime,
    target_at: datetime,
    percent: int,
) -> list[Week]:
    """For each week since `start`, the interns registered by its end and
    how many of them had a mentorship under way then. `joined` maps each
    intern to their registration; `spells` are (intern, started, closed)."""
    weeks = []
    number, ends = 1, start + timedelta(days=7)
    while True:
        moment = min(ends, now)
        present = {i for i, at in joined.items() if at <= moment}
        mentored = {
            i for i, began, closed in spells if i in present and began <= moment and (closed is None or closed > moment)
        }
        weeks.append(Week(number, moment, len(present), len(mentored), target_on(moment, start, target_at, percent)))
        if ends >= now:
            return weeks
        number, ends = number + 1, ends + timedelta(days=7)
