"""What the organizer learns after a speed-mentoring evening: the pairs who
met, who answered, the mutual matches, the one-sided wishes and the
seniors most asked for (docs/speed-mentoring.md). A fixed number of queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, KeptAttendance
from eventsapp.speed.evening import speed_session
from eventsapp.speed.models import SpeedFollowUp, SpeedSeat

#: How many of the seniors most asked for the page lists.
MOST_ASKED = 10


@dataclass
class Results:
    event: Event
    rounds_held: int
    pairs_met: int = 0
    participants: int = 0
    answered: int = 0  # participants who answered about at least one person
    yes_answers: int = 0
    mutual: list[tuple[str, str]] = field(default_factory=list)  # (intern, senior)
    interns_only: int = 0  # one-sided: the intern said yes, the senior did not
    seniors_only: int = 0  # one-sided: the senior said yes, the intern did not
    most_asked: list[tuple[str, int]] = field(default_factory=list)  # senior, interns who said yes
    removed: bool = False  # the seats and answers went after the retention period: only the count is kept


def results(session: Session, event_id: int, now: datetime) -> Results:
    """The figures from the rounds held at `now` (every round once the event has ended)."""
    speed = speed_session(session, event_id)
    found = Results(speed.event, speed.rounds_held(now))
    pairs = {
        (intern, senior)
        for intern, senior in session.execute(
            sa.select(SpeedSeat.intern_id, SpeedSeat.senior_id).where(
                SpeedSeat.session_id == speed.id, SpeedSeat.round <= found.rounds_held
            )
        )
    }
    answers = {
        (row.from_id, row.to_id): row.again
        for row in session.execute(
            sa.select(SpeedFollowUp.from_id, SpeedFollowUp.to_id, SpeedFollowUp.again).where(
                SpeedFollowUp.session_id == speed.id
            )
        )
    }
    people = {i for pair in pairs for i in pair}
    found.pairs_met, found.participants = len(pairs), len(people)
    kept = session.get(KeptAttendance, event_id) if not pairs else None  # (docs/retention.md)
    if kept is not None and kept.speed_pairs:
        found.pairs_met, found.removed = kept.speed_pairs, True
    found.answered = len({who for who, _ in answers if who in people})
    met = _both_ways(pairs)
    found.yes_answers = sum(1 for key, yes in answers.items() if yes and key in met)
    names = _names(session, people)
    asked: Counter[int] = Counter()
    for intern, senior in sorted(pairs):
        intern_yes, senior_yes = answers.get((intern, senior), False), answers.get((senior, intern), False)
        if intern_yes:
            asked[senior] += 1
        if intern_yes and senior_yes:
            found.mutual.append((names[intern], names[senior]))
        found.interns_only += int(intern_yes and not senior_yes)
        found.seniors_only += int(senior_yes and not intern_yes)
    found.mutual.sort()
    ranked = sorted(asked.items(), key=lambda item: (-item[1], names[item[0]].casefold()))
    found.most_asked = [(names[senior], count) for senior, count in ranked[:MOST_ASKED]]
    return found


def _both_ways(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    return pairs | {(senior, intern) for intern, senior in pairs}


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {user_id: name for user_id, name in session.execute(sa.select(User.id, User.name).where(User.id.in_(ids)))}
