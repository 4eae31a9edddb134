"""Where a speed-mentoring evening stands at a given moment: before the
first round, in a round (and how long is left), in the break before the
next, or after the last. Pure: no Flask, no database. The organizer starts
each round; the clock only reads the settings and when the round began."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

NOT_STARTED = "not started"
IN_ROUND = "in round"
BREAK = "break"
WAITING = "waiting"  # the break is over: the next round starts when the organizer says
OVER = "over"


@dataclass(frozen=True)
class Moment:
    phase: str
    round: int  # the round under way or just ended (0 before the first)
    rounds: int
    seconds_left: int = 0  # of the round (IN_ROUND) or of the break (BREAK)
    ends_at: datetime | None = None  # the round's end (IN_ROUND), the next round's start (BREAK)

    @property
    def minutes_left(self) -> int:
        """Whole minutes, rounded up: "1 min left" until the very end."""
        return math.ceil(self.seconds_left / 60)


def moment(
    *,
    rounds: int,
    round_minutes: int,
    break_minutes: int,
    current_round: int,
    round_started_at: datetime | None,
    now: datetime,
) -> Moment:
    """The evening's phase at `now`."""
    if current_round == 0 or round_started_at is None:
        return Moment(NOT_STARTED, 0, rounds)
    round_ends = round_started_at + timedelta(minutes=round_minutes)
    if now < round_ends:
        left = math.ceil((round_ends - now).total_seconds())
        return Moment(IN_ROUND, current_round, rounds, left, round_ends)
    if current_round >= rounds:
        return Moment(OVER, current_round, rounds)
    next_starts = round_ends + timedelta(minutes=break_minutes)
    if now < next_starts:
        return Moment(BREAK, current_round, rounds, math.ceil((next_starts - now).total_seconds()), next_starts)
    return Moment(WAITING, current_round, rounds)
