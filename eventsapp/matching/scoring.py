"""Ranking senior colleagues for one viewer. Pure: data in, ranked
suggestions out; no Flask, no database.

The reasons shown to the viewer are built from the same facts that scored
the suggestion, so an explanation can never claim what the ranking did not
count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from eventsapp.matching.spread import spread
from eventsapp.profiles.career import SENIORITY
from eventsapp.profiles.help_kinds import EXPLORING, IN_WORDS, KINDS
from eventsapp.text import sort_key

# --- The weights, in one place -------------------------------------------------
#: Each shared interest counts by how rare it is among the candidates
#: (inverse document frequency): sharing "Pediatric cardiology" with two
#: people says more than sharing "Internal medicine" with two hundred.
INTEREST_WEIGHT = 1.0
#: Both going to the same upcoming event: the strongest signal, because the
#: intern can walk up to them there. Counted for up to 3 events.
UPCOMING_EVENT_WEIGHT = 3.0
#: The senior said they are happy to be approached at that event (the
#: conference ribbon): on top of the event's own weight.
APPROACHABLE_BONUS = 1.5
#: Both attended the same past event: they may have met already. Weaker.
PAST_EVENT_WEIGHT = 1.0
#: How many shared events count, so one very busy colleague can't dominate.
MAX_EVENTS_COUNTED = 3
#: Each kind of help the intern looks for that the senior offers (career
#: advice, say): about a shared common interest, so that among colleagues
#: with as much in common, those who offer what the intern wants come first.
HELP_WEIGHT = 1.5
#: An interest the viewer shares with their active mentor is looked after
#: already: it counts for this share of its weight, so that colleagues in
#: the viewer's other interests rise (it is still named as shared).
COVERED_INTEREST_FACTOR = 0.5
#: Room left under their introduction capacity: a small nudge towards
#: colleagues who have time, up to this much for someone with all slots free.
AVAILABILITY_WEIGHT = 0.5


@dataclass(frozen=True)
class EventRef:
    id: int
    title: str
    when: str  # already written for people, in the viewer's zone
    starts_at: datetime


@dataclass(slots=True)
class Candidate:
    user_id: int
    name: str
    stage_label: str
    seniority: int
    open_to_interns: bool
    interests: frozenset[int]
    capacity: int
    active_connections: int = 0
    upcoming_together: tuple[EventRef, ...] = ()  # both going
    past_together: tuple[EventRef, ...] = ()  # both attended
    approachable_at: frozenset[int] = frozenset()  # event ids
    request_id: int | None = None  # the viewer's request waiting for their answer
    connected: bool = False  # they accepted the viewer's request
    declined_at: datetime | None = None  # when they last declined the viewer
    met: bool = False  # either said "we met" of an introduction between them, or a mentorship joins them
    offers: frozenset[str] = frozenset()  # kinds of help they offer and show (help_kinds)
    department: int | None = None  # their department, where shown: the specialty they practise


@dataclass(frozen=True)
class Viewer:
    user_id: int
    seniority: int
    interests: frozenset[int]
    focus_event_id: int | None = None  # on an event's page, that event is named first
    asks: frozenset[str] = frozenset()  # kinds of help they look for (help_kinds)
    covered: frozenset[int] = frozenset()  # interests they share with an active mentor of theirs


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: float
    shared_interests: tuple[str, ...]  # rarest first
    upcoming_together: tuple[EventRef, ...]
    past_together: tuple[EventRef, ...]
    reasons: tuple[str, ...] = field(default=())
    icebreaker: str = ""

    @property
    def explanation(self) -> str:
        return " · ".join(self.reasons)


def rarity(holders: int, population: int) -> float:
    """Inverse document frequency, smoothed: 1 for an interest everyone has,
    more the fewer candidates share it."""
    return math.log((1 + population) / (1 + holders)) + 1.0


@dataclass(frozen=True)
class Rule:
    """Who may be suggested to one viewer at all, as plain data. `admits`
    checks a candidate against it; matching.eligibility builds the SQL that
    preselects candidates from the same data (and a property test holds
    both to the same people)."""

    viewer_id: int
    seniority: int  # the viewer's: only colleagues further along
    declined_since: datetime | None = None  # a decline after this still keeps them out

    @property
    def stages(self) -> tuple[str, ...]:
        """The career stages further along than the viewer's."""
        return tuple(stage for stage, rank in SENIORITY.items() if rank > self.seniority)


def admits(rule: Rule, candidate: Candidate) -> bool:
    """Colleagues further along, who opted in, have room under their limit
    (or whom the viewer asked and who have not answered yet), are not
    connected to the viewer, have not met them (a "we met", a mentorship
    active or closed) and have not declined them lately."""
    declined = (
        candidate.declined_at is not None
        and rule.declined_since is not None
        and candidate.declined_at > rule.declined_since
    )
    return (
        candidate.user_id != rule.viewer_id
        and candidate.seniority > rule.seniority
        and candidate.open_to_interns
        and not candidate.connected
        and not candidate.met
        and not declined
        and (candidate.active_connections < candidate.capacity or candidate.request_id is not None)
    )


def interest_weights(interests, covered, interest_counts: dict[int, int], population: int) -> dict[int, float]:
    """Each of the viewer's interests by its rarity, less for one an active mentor of theirs shares (covered)."""
    rare = {i: rarity(interest_counts.get(i, 0), population) for i in interests}
    return {i: INTEREST_WEIGHT * r * (COVERED_INTEREST_FACTOR if i in covered else 1.0) for i, r in rare.items()}


def has_reason(shared_interests, upcoming, past) -> bool:
    """People to meet names only colleagues with something in common: a
    shared interest, or an event together (an event's page names everyone
    eligible who goes)."""
    return bool(shared_interests or upcoming or past)


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _counted(candidate: Candidate, focus: int | None = None) -> tuple[tuple[EventRef, ...], tuple[EventRef, ...]]:
    """The shared events that count: the page's own event first, then where
    they are happy to be approached, then the soonest; the most recent past ones."""
    upcoming = tuple(
        sorted(
            candidate.upcoming_together,
            key=lambda e: (e.id != focus, e.id not in candidate.approachable_at, e.starts_at, e.id),
        )
    )
    past = tuple(sorted(candidate.past_together, key=lambda e: (e.starts_at, e.id), reverse=True))
    return upcoming[:MAX_EVENTS_COUNTED], past[:MAX_EVENTS_COUNTED]


def score(
    interest_points: float,
    upcoming: int,
    approachable: int,
    past: int,
    capacity: int,
    active_connections: int,
    help_matched: int = 0,
) -> float:
    """The score from counts: shared interests (their weights summed),
    upcoming events together and how many of them the colleague is happy to
    be approached at, past events together, room left, and the kinds of
    help the viewer looks for that the colleague offers. The events
    counted are those `_counted` picks: approachable ones first, so of the
    MAX_EVENTS_COUNTED upcoming ones, min(approachable, MAX_EVENTS_COUNTED)
    earn the bonus."""
    total = interest_points
    if upcoming or past:
        total += (
            UPCOMING_EVENT_WEIGHT * min(upcoming, MAX_EVENTS_COUNTED)
            + APPROACHABLE_BONUS * min(approachable, upcoming, MAX_EVENTS_COUNTED)
            + PAST_EVENT_WEIGHT * min(past, MAX_EVENTS_COUNTED)
        )
    if capacity:
        total += AVAILABILITY_WEIGHT * max(0, capacity - active_connections) / capacity
    total += HELP_WEIGHT * help_matched
    return round(total, 6)


def points(candidate: Candidate, interest_weights: dict[int, float], viewer: Viewer) -> float:
    """The score: shared interests by rarity, shared events, room left, help offered."""
    approachable = sum(1 for e in candidate.upcoming_together if e.id in candidate.approachable_at)
    return score(
        sum(interest_weights[i] for i in viewer.interests & candidate.interests),
        len(candidate.upcoming_together),
        approachable,
        len(candidate.past_together),
        candidate.capacity,
        candidate.active_connections,
        len(viewer.asks & candidate.offers),
    )


def help_in_words(viewer: Viewer, candidate: Candidate) -> str:
    """The reason that names the help the viewer looks for and the colleague
    offers ("Offers career advice and emotional support"); empty if none."""
    kinds = [IN_WORDS[kind] for kind in KINDS if kind in viewer.asks & candidate.offers]
    return f"Offers {_names(kinds)}" if kinds else ""


def explain(
    viewer: Viewer, candidate: Candidate, total: float, interest_counts: dict[int, int], interest_names: dict[int, str]
) -> Suggestion:
    """The suggestion in words, from the same facts `points` counted. On an
    event's own page that event goes without saying: only whether they are
    happy to be approached there."""
    shared = sorted(
        viewer.interests & candidate.interests, key=lambda i: (interest_counts.get(i, 0), interest_names.get(i, ""))
    )
    upcoming, past = _counted(candidate, viewer.focus_event_id)
    focus = viewer.focus_event_id
    names = [interest_names[i] for i in shared if i in interest_names]
    offered = help_in_words(viewer, candidate)
    reasons = [offered] if offered else []
    reasons.append(f"Both interested in {_names(names)}" if names else "No shared interests listed")
    if focus is not None and focus in candidate.approachable_at:
        reasons.append("Happy to be approached here")
    elsewhere = [e for e in upcoming if e.id != focus]
    if elsewhere:
        first = elsewhere[0]
        more = sum(1 for e in candidate.upcoming_together if e.id != focus) - 1
        happy = first.id in candidate.approachable_at
        reasons.append(
            f"Also going to {first.title}, {first.when}"
            + (" (happy to be approached there)" if happy else "")
            + (f", and {more} more event{'s' if more > 1 else ''}" if more else "")
        )
    if past:
        titles = list(dict.fromkeys(e.title for e in past))  # a weekly meeting once
        reasons.append(f"You were both at {_names(titles)}")
    icebreaker = f"Icebreaker: ask what drew them to {names[0]}." if names else ""
    return Suggestion(candidate, total, tuple(names), upcoming, past, tuple(reasons), icebreaker)


def rank(
    viewer: Viewer,
    candidates: list[Candidate],
    *,
    interest_counts: dict[int, int],
    interest_names: dict[int, str],
    population: int | None = None,
    excluded: set[int] = frozenset(),
    limit: int | None = None,
    require_reason: bool = True,
) -> list[Suggestion]:
    """The viewer's suggestions, best first. `interest_counts` and
    `population` describe all candidates (how many hold each interest);
    by default, those given. Ties break by name, then id, so the same data
    always gives the same order; for a viewer still exploring specialties,
    the first places then spread over several (spread). Only the suggestions
    returned are put into words."""
    excluded, rule = set(excluded), Rule(viewer.user_id, viewer.seniority)
    pool = [c for c in candidates if admits(rule, c) and c.user_id not in excluded]
    if population is None:
        population = len(pool)
    weights = interest_weights(viewer.interests, viewer.covered, interest_counts, population)
    scored = []
    for candidate in pool:
        if require_reason and not has_reason(
            viewer.interests & candidate.interests, candidate.upcoming_together, candidate.past_together
        ):
            continue
        scored.append((-points(candidate, weights, viewer), sort_key(candidate.name), candidate.user_id, candidate))
    scored.sort(key=lambda row: row[:3])
    if EXPLORING in viewer.asks:
        scored = spread(scored, lambda row: row[3].department)
    chosen = scored[:limit] if limit is not None else scored
    return [
        explain(viewer, candidate, -negative, interest_counts, interest_names) for negative, _, _, candidate in chosen
    ]
