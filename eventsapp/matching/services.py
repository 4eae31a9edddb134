"""Loading what the ranking needs, in a fixed number of queries whatever
the number of candidates, and handing it to the pure scoring module."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.timefmt import format_span
from eventsapp.introductions.models import MAX_PENDING
from eventsapp.matching import scoring

# (Kept importable from here, where they lived before.)
from eventsapp.matching.eligibility import (  # noqa: F401
    eligibility,
    eligible_seniors,
    good_match_profile,
    good_matches,
    open_connections,
    rule_for,
    rule_params,
    suggestible_stages,
    waiting_requests,
)
from eventsapp.matching.interests import clear as clear_caches  # noqa: F401
from eventsapp.matching.interests import interest_counts, interest_shortlist
from eventsapp.matching.preselect import preselect, within_reach
from eventsapp.matching.statements import CandidateRow, SuggestionQueries, suggestion_queries
from eventsapp.matching.together import Together, people_together
from eventsapp.matching.together import together as _together
from eventsapp.matching.where import MeetingPlace, where_to_meet  # noqa: F401
from eventsapp.profiles.career import SENIORITY, stage_label
from eventsapp.profiles.help_kinds import EXPLORING, from_bits, to_bits
from eventsapp.profiles.models import AttendanceVisibility

#: Upcoming events where meeting counts: the next two months, when an
#: intern can plan to walk up to someone.
UPCOMING_WINDOW = timedelta(days=60)
#: Past events that still count as having met.
PAST_WINDOW = timedelta(days=180)
#: Colleagues who share interests but no event with the viewer are
#: considered by their interest score, best first, up to this many: past
#: it, nobody without a shared event can reach the suggestions shown, and a
#: large hospital has thousands who share a common interest.
INTEREST_SHORTLIST = 200
#: Room on the shared short list for those the rules about the viewer
#: leave out afterwards (asked, connected, declined them lately).
SHORTLIST_MARGIN = 50
#: Candidates kept past the limit when only the best are put together in
#: full (see preselect): room for any the ranking still leaves out.
PRESELECT_MARGIN = 20


@dataclass
class Ranked:
    """Suggestions for one page, and what the page says about them."""

    suggestions: list[scoring.Suggestion] = field(default_factory=list)
    found: int = 0  # colleagues who may be suggested (an event's page: all those going)
    sharing: int = 0  # of those, how many show an interest the viewer has
    waiting: int = 0  # the viewer's requests waiting for an answer
    has_interests: bool = False
    nobody_further_along: bool = False  # the viewer is at the top of the ladder: none to suggest

    @property
    def at_request_limit(self) -> bool:
        """No request can be sent until one of those waiting is answered."""
        return self.waiting >= MAX_PENDING


def suggestions(session: Session, viewer: User, **options) -> list[scoring.Suggestion]:
    """The viewer's suggested colleagues, best first (see rank_suggestions)."""
    return rank_suggestions(session, viewer, **options).suggestions


def rank_suggestions(
    session: Session,
    viewer: User,
    *,
    now: datetime,
    zone: str,
    specialty_id: int | None = None,
    event_id: int | None = None,
    viewer_going: bool | None = None,
    limit: int | None = 20,
) -> Ranked:
    """The viewer's suggested colleagues, best first (for one event: the
    opted-in seniors going to it whose attendance the viewer may see;
    `viewer_going` says whether the viewer goes, when the caller already
    knows)."""
    rule = rule_for(viewer, now)
    if not rule.stages:
        return Ranked(nobody_further_along=True)
    connection = session.connection()
    q = suggestion_queries(event_id is not None, specialty_id is not None, connection.dialect.name)
    params = {
        **rule_params(rule),
        "now": now,
        "upcoming_until": now + UPCOMING_WINDOW,
        "past_since": now - PAST_WINDOW,
        "event_id": event_id or 0,
        "specialty_id": specialty_id,
    }
    mine = _viewer_side(session, connection, q, params, now, event_id)
    mine.asks = from_bits(viewer.profile.help_asked)
    together = None
    if event_id is not None:
        if viewer_going is None:
            viewer_going = connection.execute(q.viewer_going, params).scalar()
        # Only those whose attendance this viewer may see on the event's list.
        params["visible"] = [AttendanceVisibility.MEMBERS] + ([AttendanceVisibility.ATTENDEES] if viewer_going else [])
    else:
        together = _people_to_look_up(session, connection, params, mine, limit=limit if specialty_id is None else None)
    rows, shared = _candidate_rows(connection.execute(q.candidates, params))
    found = Ranked(
        found=len(rows),
        sharing=len(shared),
        has_interests=bool(mine.names),
        waiting=next(iter(rows.values())).waiting if rows else 0,
    )
    if rows:
        if together is None:
            together = _together(session, mine.focus, mine.past_ids, params["stages"], list(rows))
        found.suggestions = _ranked(rule, mine, rows, shared, together, event_id, limit=limit, zone=zone, now=now)
    return found


@dataclass
class _Mine:
    """The viewer's side of the ranking: interests (how rare each is among
    the candidates, and those an active mentor shares), the kinds of help
    they look for, and events."""

    names: dict[int, str]
    counts: dict[int, int]
    population: int
    events: dict  # id: row (title, times), upcoming ones the viewer goes to and past ones attended
    focus: list[int]  # upcoming events, and the page's
    past_ids: list[int]
    weights: dict[int, float]
    asks: frozenset[str] = frozenset()
    covered: frozenset[int] = frozenset()  # interests an active mentor of theirs shares


def _viewer_side(
    session: Session, connection, q: SuggestionQueries, params: dict, now: datetime, event_id: int | None
) -> _Mine:
    """The viewer's interests and events (sets params["mine"])."""
    # Plain rows straight from the connection: no entities are loaded here.
    interests = connection.execute(q.names, params).all()
    names = {row.id: row.name for row in interests}
    covered = frozenset(row.id for row in interests if row.covered)
    counts, population = interest_counts(session, params["stages"])
    events = {e.id: e for e in connection.execute(q.events, params)}
    upcoming_ids = [i for i, e in events.items() if e.starts_at > now and i != event_id]
    past_ids = [i for i, e in events.items() if e.starts_at <= now and i != event_id]
    params["mine"] = sorted(names)
    weights = scoring.interest_weights(names, covered, counts, population)
    focus = upcoming_ids + ([event_id] if event_id else [])
    return _Mine(names, counts, population, events, focus, past_ids, weights, covered=covered)


def _ranked(
    rule: scoring.Rule,
    mine: _Mine,
    rows: dict,
    shared: dict[int, set[int]],
    together: Together,
    event_id: int | None,
    *,
    limit: int | None,
    zone: str,
    now: datetime,
) -> list[scoring.Suggestion]:
    """The best candidates, put together in full and ranked (the SQL already
    applied the rule, in eligibility; the ranking checks it again)."""
    if limit is not None and len(rows) > limit + PRESELECT_MARGIN:
        keep = limit + PRESELECT_MARGIN
        rows = preselect(rows, shared, together, mine.weights, keep, asks=mine.asks, require_reason=event_id is None)
    candidates = _candidates(rows, shared, together, mine.events, zone=zone, now=now)
    viewer_facts = scoring.Viewer(
        rule.viewer_id,
        rule.seniority,
        frozenset(mine.names),
        focus_event_id=event_id,
        asks=mine.asks,
        covered=mine.covered,
    )
    suggestions = scoring.rank(
        viewer_facts,
        candidates,
        interest_counts=mine.counts,
        interest_names=mine.names,
        population=mine.population,
        limit=limit,
        require_reason=event_id is None,
    )
    for suggestion in suggestions:  # words for the few shown, not for every candidate
        suggestion.candidate.stage_label = stage_label(*suggestion.candidate.stage_label)
    return suggestions


def _people_to_look_up(session: Session, connection, params: dict, mine: _Mine, *, limit: int | None) -> Together:
    """People to meet's candidates: everyone going to the viewer's events or
    met at one (a few hundred events' answers, with where, in one query),
    and the best by shared interests; one list of people to look up (put in
    params["ids"]), never a pass over every senior."""
    shortlist = interest_shortlist(
        session, params["stages"], mine.weights, params["specialty_id"], length=INTEREST_SHORTLIST + SHORTLIST_MARGIN
    )
    offerable = to_bits(mine.asks - {EXPLORING})
    together = people_together(connection, mine.focus, mine.past_ids, shortlist, mine.weights, params, offerable)
    wanted = together.people | together.listed
    if limit is not None:
        wanted = within_reach(together, limit + PRESELECT_MARGIN)
    params["ids"] = sorted(wanted)
    return together


def _candidate_rows(result) -> tuple[dict, dict[int, set[int]]]:
    """Each candidate's row, and the interests they share with the viewer
    and show (a hidden interest is never a reason): the candidates query
    gives a row per shared interest."""
    rows, shared = {}, {}
    for values in result.columns(*CandidateRow._fields).all():  # by name, in one fetch: a thousand rows on a busy page
        row = CandidateRow._make(values)
        rows.setdefault(row.id, row)
        if row.shared is not None and row.show_interests:
            shared.setdefault(row.id, set()).add(row.shared)
    return rows, shared


def _candidates(
    rows: dict, shared: dict[int, set[int]], together: Together, events: dict, *, zone: str, now: datetime
) -> list[scoring.Candidate]:
    """The candidates kept, with the events they share with the viewer in words."""

    def day(e) -> str:  # "Tue 3 Dec": the day is what helps plan the meeting
        span = format_span(e.starts_at, e.ends_at, all_day=e.all_day, event_zone=e.timezone, viewer_zone=zone, now=now)
        return span.split(",")[0].removesuffix(" (all day)")

    going_with, attended_with, approachable = together.going, together.attended, together.approachable
    # Words for the events of the candidates kept, not for all the viewer's.
    named = {e for r in rows for e in (*going_with.get(r, ()), *attended_with.get(r, ()))}
    refs = {i: scoring.EventRef(i, e.title, day(e), e.starts_at) for i, e in events.items() if i in named}
    no_events, nobody, no_help = (), frozenset(), frozenset()
    return [
        scoring.Candidate(
            user_id=r.id,
            name=r.name,
            stage_label=(r.career_stage, r.pgy_year),
            seniority=SENIORITY[r.career_stage],
            open_to_interns=True,
            interests=frozenset(shared.get(r.id, nobody)),
            capacity=r.intro_capacity,
            active_connections=r.connections,
            upcoming_together=tuple(refs[e] for e in going_with[r.id] if e in refs)
            if r.id in going_with
            else no_events,
            past_together=tuple(refs[e] for e in attended_with[r.id] if e in refs)
            if r.id in attended_with
            else no_events,
            approachable_at=frozenset(approachable[r.id]) if r.id in approachable else nobody,
            request_id=r.request_id,
            # (Shown with their interests, as interests are; their department where they show it.)
            offers=from_bits(r.help_offered) if r.show_interests else no_help,
            department=r.department_id if r.show_department else None,
        )
        for r in rows.values()
    ]
