"""Loading what the ranking needs, in a fixed number of queries whatever
the number of candidates, and handing it to the pure scoring module."""
from __future__ import annotations

import heapq
import itertools
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Join

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event, EventStatus
from eventsapp.events.timefmt import format_span
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.matching import scoring
from eventsapp.profiles.career import SENIORITY, stage_label
from eventsapp.profiles.models import AttendanceVisibility, Profile, Specialty, profile_specialty
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.sqlids import in_ids

#: How long a declined request keeps that colleague out of the suggestions.
DECLINE_COOLDOWN = timedelta(days=90)
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


def open_connections():
    """A senior's accepted connections, as a column of their Profile row."""
    return (sa.select(sa.func.count()).select_from(IntroRequest)
            .where(IntroRequest.senior_id == Profile.user_id, IntroRequest.status == RequestStatus.ACCEPTED)
            .correlate(Profile).scalar_subquery())


def _seniors_above(stage: str | None) -> list[str]:
    rank = SENIORITY.get(stage, 0) if stage else 0
    return [s for s, r in SENIORITY.items() if r > rank]


_counts_cache: dict[tuple, tuple[float, dict[int, int], int]] = {}


def interest_counts(session: Session, stages: list[str]) -> tuple[dict[int, int], int]:
    """How many candidates hold each interest, and how many candidates there
    are (for rarity). The same for every viewer of a career stage and slow
    to change, so kept for MATCHING_CACHE_SECONDS in each server process."""
    ttl = current_app.config["MATCHING_CACHE_SECONDS"]
    key = (str(session.get_bind().url), tuple(stages))
    cached = _counts_cache.get(key)
    if ttl and cached and cached[0] > time.monotonic():
        return cached[1], cached[2]
    seniors = sa.select(Profile.user_id).where(Profile.open_to_interns, Profile.career_stage.in_(stages))
    everyone = sa.select(sa.func.count()).select_from(seniors.subquery()).scalar_subquery()
    counts, population = {}, 0
    for specialty, holders, total in session.execute(
            sa.select(profile_specialty.c.specialty_id, sa.func.count(), everyone)
            .where(profile_specialty.c.profile_id.in_(seniors)).group_by(profile_specialty.c.specialty_id)):
        counts[specialty], population = holders, total
    if ttl:
        _counts_cache[key] = (time.monotonic() + ttl, counts, population)
    return counts, population


_shortlist_cache: dict[tuple, tuple[float, list[int]]] = {}


def interest_shortlist(session: Session, stages: list[str], mine: set[int], weights: dict[int, float],
                       specialty_id: int | None) -> list[int]:
    """The colleagues who share the most (and rarest) of these interests
    (their weights), best first: a pass over everyone who holds one of
    them, which grows with the hospital. It depends only on the interests
    and the career stages, not on who asks, so it is kept for
    MATCHING_CACHE_SECONDS per server process, like interest_counts. The
    rules that concern the viewer (who they asked, who declined them) are
    applied afterwards, on the short list: the margin keeps it long enough
    after them. (Only who is on it is kept: their points are read afresh.)"""
    if not mine:
        return []
    ttl = current_app.config["MATCHING_CACHE_SECONDS"]
    key = (str(session.get_bind().url), tuple(stages), tuple(sorted(mine)), specialty_id)
    cached = _shortlist_cache.get(key)
    if ttl and cached and cached[0] > time.monotonic():
        return cached[1]
    connections = open_connections()
    interest_points = sa.func.sum(sa.case(
        *((profile_specialty.c.specialty_id == i, w) for i, w in weights.items()), else_=0.0))
    # Only interests their holders show count (a hidden interest is never a reason).
    sharing = (sa.select(profile_specialty.c.profile_id)
               .join(Profile, Profile.user_id == profile_specialty.c.profile_id)
               .where(profile_specialty.c.specialty_id.in_(mine), Profile.show_interests, Profile.open_to_interns,
                      Profile.career_stage.in_(stages), connections < Profile.intro_capacity)
               .group_by(profile_specialty.c.profile_id)
               .order_by(interest_points.desc(), profile_specialty.c.profile_id)
               .limit(INTEREST_SHORTLIST + SHORTLIST_MARGIN))
    if specialty_id is not None:
        sharing = sharing.where(profile_specialty.c.profile_id.in_(
            sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.specialty_id == specialty_id)))
    shortlist = list(session.scalars(sharing))
    if ttl:
        if len(_shortlist_cache) > 1000:  # interests combine in many ways: keep memory bounded
            _shortlist_cache.clear()
        _shortlist_cache[key] = (time.monotonic() + ttl, shortlist)
    return shortlist


def suggestions(session: Session, viewer: User, *, now: datetime, zone: str, specialty_id: int | None = None,
                event_id: int | None = None, viewer_going: bool | None = None,
                limit: int | None = 20) -> list[scoring.Suggestion]:
    """The viewer's suggested colleagues, best first (for one event: the
    opted-in seniors going to it; `viewer_going` says whether the viewer
    goes, when the caller already knows)."""
    stages = _seniors_above(viewer.profile.career_stage)
    if not stages:
        return []
    connection = session.connection()
    dialect = connection.dialect.name
    q = _suggestion_queries(event_id is not None, specialty_id is not None, dialect)
    params = {"viewer_id": viewer.id, "stages": stages, "declined_since": now - DECLINE_COOLDOWN, "now": now,
              "upcoming_until": now + UPCOMING_WINDOW, "past_since": now - PAST_WINDOW,
              "event_id": event_id or 0, "specialty_id": specialty_id}
    # Plain rows straight from the connection: no entities are loaded here.
    names = dict(connection.execute(q.names, params).all())
    mine = set(names)
    counts, population = interest_counts(session, stages)

    # The viewer's events: upcoming ones they go to, past ones they attended.
    events = {e.id: e for e in connection.execute(q.events, params)}
    upcoming_ids = [i for i, e in events.items() if e.starts_at > now and i != event_id]
    past_ids = [i for i, e in events.items() if e.starts_at <= now and i != event_id]

    params["mine"] = sorted(mine)
    focus = upcoming_ids + ([event_id] if event_id else [])
    weights = {i: scoring.INTEREST_WEIGHT * scoring.rarity(counts.get(i, 0), population) for i in mine}
    if event_id is not None:
        # Only those whose attendance this viewer may see on the event's list.
        if viewer_going is None:
            viewer_going = connection.execute(q.viewer_going, params).scalar()
        params["visible"] = [AttendanceVisibility.MEMBERS] + ([AttendanceVisibility.ATTENDEES] if viewer_going else [])
        together = None
    else:
        # Candidates: everyone going to the viewer's events or met at one
        # (a few hundred events' answers, with where, in one query), and
        # the best by shared interests. One list of people to look up,
        # never a pass over every senior.
        shortlist = interest_shortlist(session, stages, mine, weights, specialty_id)
        together = _people_together(connection, focus, past_ids, shortlist, weights, params)
        wanted = together.people | together.listed
        if limit is not None and specialty_id is None:
            wanted = _within_reach(together, limit + PRESELECT_MARGIN)
        params["ids"] = sorted(wanted)
    rows, shared = {}, {}
    for row in connection.execute(q.candidates, params).all():
        user_id, interest = row[0], row[8]   # (by position: a thousand rows on a busy page)
        if user_id not in rows:
            rows[user_id] = row
        # Only interests their holders show count (a hidden interest is never a reason).
        if interest is not None and row[5]:
            shared.setdefault(user_id, set()).add(interest)
    if not rows:
        return []
    if together is None:
        together = _together(session, focus, past_ids, stages, list(rows))
    # (The SQL already left out those with no room and those the viewer
    # asked or was declined by, in eligible_seniors; the ranking checks room again.)
    if limit is not None and len(rows) > limit + PRESELECT_MARGIN:
        rows = _preselect(rows, shared, together, weights, limit + PRESELECT_MARGIN,
                          require_reason=event_id is None)

    def day(e) -> str:  # "Tue 3 Dec": the day is what helps plan the meeting
        span = format_span(e.starts_at, e.ends_at, all_day=e.all_day, event_zone=e.timezone, viewer_zone=zone, now=now)
        return span.split(",")[0].removesuffix(" (all day)")

    going_with, attended_with, approachable = together.going, together.attended, together.approachable
    # Words for the events of the candidates kept, not for all the viewer's.
    named = {e for r in rows for e in (*going_with.get(r, ()), *attended_with.get(r, ()))}
    refs = {i: scoring.EventRef(i, e.title, day(e), e.starts_at) for i, e in events.items() if i in named}
    no_events, nobody = (), frozenset()
    candidates = [scoring.Candidate(
        user_id=r.id, name=r.name, stage_label=(r.career_stage, r.pgy_year),
        seniority=SENIORITY[r.career_stage], open_to_interns=True, interests=frozenset(shared.get(r.id, nobody)),
        capacity=r.intro_capacity, active_connections=r.connections,
        upcoming_together=tuple(refs[e] for e in going_with[r.id] if e in refs) if r.id in going_with else no_events,
        past_together=tuple(refs[e] for e in attended_with[r.id] if e in refs) if r.id in attended_with else no_events,
        approachable_at=frozenset(approachable[r.id]) if r.id in approachable else nobody)
        for r in rows.values()]
    viewer_facts = scoring.Viewer(viewer.id, SENIORITY.get(viewer.profile.career_stage, 0), frozenset(mine),
                                  focus_event_id=event_id)
    ranked = scoring.rank(viewer_facts, candidates, interest_counts=counts, interest_names=names,
                          population=population, limit=limit,
                          require_reason=event_id is None)
    for suggestion in ranked:  # words for the few shown, not for every candidate
        suggestion.candidate.stage_label = stage_label(*suggestion.candidate.stage_label)
    return ranked


class _SuggestionQueries(NamedTuple):
    names: sa.Select           # the viewer's interests
    events: sa.Select          # the viewer's upcoming and past events (and the page's)
    viewer_going: sa.Select    # whether the viewer goes to the page's event
    candidates: sa.Select      # each candidate, once per interest shared with the viewer


@lru_cache(maxsize=8)
def _suggestion_queries(for_event: bool, by_specialty: bool, dialect: str) -> _SuggestionQueries:
    """suggestions' statements, built once per process for each kind of
    page and database (building them and computing their cache keys cost
    about as much as running them). Parameters: viewer_id, stages,
    declined_since, now, upcoming_until, past_since, event_id, specialty_id,
    mine (the viewer's interests), and ids (People to meet: whom to look
    up) or visible (an event's page: the attendance settings the viewer may
    see)."""
    viewer_id, event_id = sa.bindparam("viewer_id"), sa.bindparam("event_id")
    now = sa.bindparam("now")
    names = (sa.select(Specialty.id, Specialty.name)
             .join(profile_specialty, profile_specialty.c.specialty_id == Specialty.id)
             .where(profile_specialty.c.profile_id == viewer_id))
    # Each kind from the viewer's own rows, by key (as one filter over the
    # events, PostgreSQL read every event of those months to test them).
    columns = (Event.id, Event.title, Event.starts_at, Event.ends_at, Event.all_day, Event.timezone)
    events = sa.union(
        sa.select(*columns).join(Rsvp, Rsvp.event_id == Event.id).where(
            Rsvp.user_id == viewer_id, Rsvp.state == RsvpState.GOING, Event.starts_at > now,
            Event.starts_at <= sa.bindparam("upcoming_until"), Event.status == EventStatus.SCHEDULED),
        sa.select(*columns).join(CheckIn, CheckIn.event_id == Event.id).where(
            CheckIn.user_id == viewer_id, Event.starts_at <= now, Event.starts_at > sa.bindparam("past_since")),
        sa.select(*columns).where(Event.id == event_id))
    viewer_going = sa.select(sa.exists().where(
        Rsvp.event_id == event_id, Rsvp.user_id == viewer_id, Rsvp.state == RsvpState.GOING))
    if for_event:
        scope = sa.and_(Profile.attendance_visibility.in_(sa.bindparam("visible", expanding=True)),
                        Profile.user_id.in_(sa.select(Rsvp.user_id).where(Rsvp.event_id == event_id,
                                                                         Rsvp.state == RsvpState.GOING)))
    else:
        scope = in_ids(Profile.user_id, "ids", dialect)
    connections = open_connections()
    rules = eligibility(viewer_id, sa.bindparam("stages", expanding=True), sa.bindparam("declined_since"))
    candidates = (sa.select(User.id, User.name, Profile.career_stage, Profile.pgy_year, Profile.intro_capacity,
                            Profile.show_interests, Profile.attendance_visibility,
                            connections.label("connections"), profile_specialty.c.specialty_id.label("shared"))
                  .join(Profile, Profile.user_id == User.id)
                  .outerjoin(profile_specialty, sa.and_(
                      profile_specialty.c.profile_id == Profile.user_id,
                      profile_specialty.c.specialty_id.in_(sa.bindparam("mine", expanding=True))))
                  .where(scope, *rules))
    if by_specialty:
        candidates = candidates.where(User.id.in_(sa.select(profile_specialty.c.profile_id).where(
            profile_specialty.c.specialty_id == sa.bindparam("specialty_id"))))
    return _SuggestionQueries(names, events, viewer_going, candidates)


#: Candidates kept past the limit when only the best are put together in
#: full (see _preselect): room for any the ranking still leaves out.
PRESELECT_MARGIN = 20


@dataclass
class Together:
    """Where the viewer meets each colleague: upcoming events both go to
    (and those the colleague is happy to be approached at), past events
    both attended."""

    going: dict[int, list[int]]
    approachable: dict[int, set[int]]
    attended: dict[int, list[int]]
    # People to meet only: the points of the interests each colleague shows
    # and shares with the viewer, and those of the shared-interest short
    # list who may be suggested.
    interest_points: dict[int, float] = field(default_factory=dict)
    listed: set[int] = field(default_factory=set)

    @property
    def people(self) -> set[int]:
        return set(self.going) | set(self.attended)

    def add(self, user_id: int, event_id: int, happy: bool, upcoming: bool) -> None:
        """One row of _together's queries: going to an upcoming event (and
        whether happy to be approached there), or attended a past one."""
        if upcoming:
            self.going.setdefault(user_id, []).append(event_id)
            if happy:
                self.approachable.setdefault(user_id, set()).add(event_id)
        else:
            self.attended.setdefault(user_id, []).append(event_id)


def _together(session: Session, upcoming: list[int], past: list[int], stages: list[str],
              user_ids: list[int] | None = None) -> Together:
    """Which colleagues of these career stages, opted in, go to these
    upcoming events and attended these past ones (one query for both
    kinds), for everyone or for `user_ids`. Those who show their attendance
    to organizers only never have an event as a reason."""
    found = Together({}, {}, {})
    if not upcoming and not past:
        return found
    params = {"upcoming": upcoming, "past": past, "stages": stages, "user_ids": user_ids or []}
    connection = session.connection()
    rows = connection.execute(_together_query(user_ids is not None, connection.dialect.name), params).all()
    for user_id, event, happy, is_upcoming in rows:
        found.add(user_id, event, happy, is_upcoming)
    return found


def _answers_and_check_ins(dialect: str):
    """Who goes to the upcoming events (parameter upcoming) and who was
    checked in at the past ones (past): rows of user, event, happy to be
    approached, upcoming; for a UNION ALL."""
    going = sa.select(Rsvp.user_id, Rsvp.event_id, Rsvp.approachable, sa.literal(True).label("upcoming")) \
        .where(in_ids(Rsvp.event_id, "upcoming", dialect), Rsvp.state == RsvpState.GOING)
    met = sa.select(CheckIn.user_id, CheckIn.event_id, sa.literal(False), sa.literal(False)) \
        .where(in_ids(CheckIn.event_id, "past", dialect))
    return going, met


@lru_cache(maxsize=4)
def _together_query(restricted: bool, dialect: str):
    """_together's statement, built once; parameters upcoming, past, stages
    and (restricted to some people) user_ids."""
    going, met = _answers_and_check_ins(dialect)
    if restricted:
        going = going.where(in_ids(Rsvp.user_id, "user_ids", dialect))
        met = met.where(in_ids(CheckIn.user_id, "user_ids", dialect))
    both = sa.union_all(going, met).subquery()
    # Each person looked up by key, as a scalar subquery with a limit: as a
    # plain join, SQLite (without statistics) would walk every opted-in
    # profile, and PostgreSQL would hash every profile of those stages.
    # (People to meet, which also reads their profile, joins in a set
    # order instead: see _people_together_query.)
    shown = (sa.select(sa.literal(1)).select_from(Profile)
             .where(Profile.user_id == both.c.user_id, Profile.open_to_interns,
                    Profile.career_stage.in_(sa.bindparam("stages", expanding=True)),
                    Profile.attendance_visibility != AttendanceVisibility.ORGANIZERS)
             .limit(1).correlate(both).scalar_subquery())
    return sa.select(both).where(shown.is_not(None))


def _people_together(connection, upcoming: list[int], past: list[int], listed: list[int],
                     weights: dict[int, float], params: dict) -> Together:
    """_together for People to meet, and the shared-interest short list
    (`listed`): only colleagues who may be suggested to the viewer at all
    (eligibility), each with the points of the interests they show and
    share with the viewer now, so that each one's score is known to within
    the room-left bonus before anyone is loaded."""
    found = Together({}, {}, {})
    if not upcoming and not past and not listed:
        return found
    interests = sorted(weights)
    values = {"upcoming": upcoming, "past": past, "listed": listed,
              **{f"s{n}": i for n, i in enumerate(interests)}, **{f"w{n}": weights[i] for n, i in enumerate(interests)}}
    for user_id, event, happy, is_upcoming, shows, points in connection.execute(
            _people_together_query(len(interests), connection.dialect.name), {**params, **values}).all():
        found.interest_points[user_id] = float(points or 0.0) if shows else 0.0
        if event is None:
            found.listed.add(user_id)
        else:
            found.add(user_id, event, happy, is_upcoming)
    return found


@lru_cache(maxsize=16)
def _people_together_query(interests: int, dialect: str):
    """_people_together's statement, built once per number of the viewer's
    interests (and database); parameters upcoming, past, listed, viewer_id,
    stages, declined_since, and s0.., w0.. (each interest and its weight)."""
    going, met = _answers_and_check_ins(dialect)
    # The short list's colleagues, one row each, with no event.
    listed = sa.select(Profile.user_id, sa.null(), sa.false(), sa.null()).where(
        in_ids(Profile.user_id, "listed", dialect))
    both = sa.union_all(going, met, listed).subquery()
    rules = [*eligibility(sa.bindparam("viewer_id"), sa.bindparam("stages", expanding=True),
                          sa.bindparam("declined_since")),
             Profile.attendance_visibility != AttendanceVisibility.ORGANIZERS]
    if interests:
        weight = sa.case(*((profile_specialty.c.specialty_id == sa.bindparam(f"s{n}"), sa.bindparam(f"w{n}"))
                           for n in range(interests)), else_=0.0)
        # All of their interests, read in one range of the key (others
        # weigh nothing): quicker than one look-up per interest of the viewer.
        points = (sa.select(sa.func.sum(weight)).where(profile_specialty.c.profile_id == both.c.user_id)
                  .correlate(both).scalar_subquery())
    else:
        points = sa.literal(0.0)
    if dialect == "sqlite":
        # Each answer joined to its person's profile by key, answers first:
        # one look-up tells both whether they may be suggested and whether
        # they show their interests.
        return (sa.select(both, Profile.show_interests.label("shows"), points.label("points"))
                .select_from(_AnswersFirst(both, Profile.__table__, Profile.user_id == both.c.user_id))
                .where(*rules))
    # The same look-up for each answer as a lateral subquery, which
    # PostgreSQL runs as a probe by key (as a plain join it would hash
    # every senior open to interns).
    person = (sa.select(Profile.show_interests).where(Profile.user_id == both.c.user_id, *rules)
              .limit(1).lateral("person"))
    return (sa.select(both, person.c.show_interests.label("shows"), points.label("points"))
            .select_from(both.join(person, sa.true())))


class _AnswersFirst(Join):
    """An inner join that SQLite runs in the order written, the left side
    as the outer loop (CROSS JOIN). Without statistics its planner would
    rather walk every profile open to interns, by their index, and look
    each one up among the answers."""

    inherit_cache = True


@compiles(_AnswersFirst, "sqlite")
def _cross_join(join: _AnswersFirst, compiler, asfrom=False, from_linter=None, **kw) -> str:
    if from_linter:
        from_linter.edges.update(itertools.product(join.left._from_objects, join.right._from_objects))
    return (join.left._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)
            + " CROSS JOIN " + join.right._compiler_dispatch(compiler, asfrom=True, from_linter=from_linter, **kw)
            + " ON " + join.onclause._compiler_dispatch(compiler, from_linter=from_linter, **kw))


#: Scores computed in SQL and in Python, or rounded at different steps,
#: may differ in the last digits.
_SLACK = 1e-5


def _within_reach(together: Together, keep: int) -> set[int]:
    """Of the colleagues met at the viewer's events and those on the
    shared-interest short list (all of whom may be suggested), those who
    could still be among the best `keep`: each one's score without the
    room-left bonus is a floor, with the largest bonus a ceiling; whoever's
    ceiling is below the keep-th best floor cannot make it. The rest
    (hundreds, for a busy intern) are never loaded."""
    floors, parts = {}, {}
    going_with, happy_at, attended_with = together.going, together.approachable, together.attended
    points, nothing = together.interest_points, ()
    for user_id in together.people:
        going = going_with.get(user_id, nothing)
        happy = happy_at.get(user_id)
        counts = (len(going), sum(1 for e in going if e in happy) if happy else 0,
                  len(attended_with.get(user_id, nothing)))
        # The score adds its parts: the events' part is worked out once
        # for each combination of counts (a few dozen for hundreds of people).
        part = parts.get(counts)
        if part is None:
            part = parts[counts] = scoring.score(0.0, *counts, 0, 0)
        floors[user_id] = points.get(user_id, 0.0) + part
    for user_id in together.listed - floors.keys():   # no events together: interests alone
        floors[user_id] = points.get(user_id, 0.0)
    if len(floors) <= keep:
        return set(floors)
    bar = sorted(floors.values(), reverse=True)[keep - 1] - scoring.AVAILABILITY_WEIGHT - _SLACK
    return {u for u, floor in floors.items() if floor >= bar}


def _preselect(rows: dict, shared: dict[int, set[int]], together: Together, weights: dict[int, float],
               keep: int, *, require_reason: bool) -> dict:
    """The `keep` best candidates by the ranking's own score and order
    (scoring.score; then name, then id), from counts alone: only they are
    put together in full, with their events and reasons. Hundreds of
    colleagues can share an event with a busy intern."""
    best, score, nothing = [], scoring.score, ()
    going_with, attended_with, happy_at = together.going, together.attended, together.approachable
    for user_id, row in rows.items():
        mine = shared.get(user_id, nothing)
        going = going_with.get(user_id, nothing)
        attended = attended_with.get(user_id, nothing)
        if require_reason and not (mine or going or attended):
            continue
        happy = happy_at.get(user_id)
        total = score(sum(weights[i] for i in mine) if mine else 0.0, len(going),
                      sum(1 for e in going if e in happy) if happy else 0, len(attended),
                      row.intro_capacity, row.connections)
        best.append((-total, row.name.casefold(), user_id))
    return {user_id: rows[user_id] for _, _, user_id in heapq.nsmallest(keep, best)}


def eligible_seniors(viewer: User, stages: list[str], now: datetime):
    """A subquery of who may be suggested to the viewer at all: opted in,
    further along, with room under their limit, not already asked,
    connected or recently declined (the same rules as scoring.eligible)."""
    return sa.select(Profile.user_id).where(*eligibility(viewer.id, stages, now - DECLINE_COOLDOWN))


def eligibility(viewer_id, stages: list[str], declined_since) -> list:
    """eligible_seniors' conditions on a Profile row, for queries that start
    from a short list of people rather than from every senior. The viewer's
    id and the time before which a decline no longer counts are values or
    bound parameters (for statements built once)."""
    connections = open_connections()
    asked = sa.select(IntroRequest.senior_id).where(
        IntroRequest.requester_id == viewer_id,
        sa.or_(IntroRequest.status.in_(RequestStatus.OPEN),
               sa.and_(IntroRequest.status == RequestStatus.DECLINED,
                       IntroRequest.responded_at > declined_since)))
    if isinstance(stages, list) and not stages:
        stages = ["-"]   # nobody
    # (Room under their limit last: the only test that counts rows.)
    return [Profile.open_to_interns, Profile.career_stage.in_(stages), Profile.user_id != viewer_id,
            Profile.user_id.not_in(asked), connections < Profile.intro_capacity]


def good_matches(session: Session, viewer: User, now: datetime | None = None):
    """A subquery of the colleagues who would be suggested to the viewer for
    their interests: eligible, and showing an interest the viewer has."""
    from eventsapp.timeutil import utcnow

    mine = sa.select(profile_specialty.c.specialty_id).where(profile_specialty.c.profile_id == viewer.id)
    eligible = eligible_seniors(viewer, _seniors_above(viewer.profile.career_stage), now or utcnow())
    return eligible.where(Profile.show_interests, Profile.user_id.in_(
        sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.specialty_id.in_(mine))))


def suggestible_stages(viewer) -> tuple[str, ...] | None:
    """The career stages whose colleagues can be suggested to this viewer;
    None when nobody can be (signed out, or no career stage)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.profile.career_stage:
        return None
    return tuple(_seniors_above(viewer.profile.career_stage))


def good_match_profile(viewer_id, stages: tuple[str, ...], declined_since) -> list:
    """Conditions on a Profile row: its owner is a colleague suggested to
    the viewer for their interests (as good_matches). Meant to be checked
    from rows already found (the answers to a page of events), joined by
    key, never as a list of every good match in the hospital. Values or
    bound parameters, as eligibility."""
    mine = sa.select(profile_specialty.c.specialty_id).where(profile_specialty.c.profile_id == viewer_id)
    shares = sa.exists().where(profile_specialty.c.profile_id == Profile.user_id,
                               profile_specialty.c.specialty_id.in_(mine))
    # Cheap tests first (most of those going are not seniors open to
    # interns); counting their connections last.
    *simple, room = eligibility(viewer_id, list(stages), declined_since)
    return [*simple, Profile.show_interests, shares, room]


@dataclass(frozen=True)
class MeetingPlace:
    event: Event
    matches: int


def where_to_meet(session: Session, viewer: User, now: datetime, limit: int = 20) -> list[MeetingPlace]:
    """Upcoming events ranked by how many of the viewer's suggested
    colleagues are going (two queries)."""
    if not viewer.profile.career_stage:
        return []
    ranked = session.execute(
        sa.select(Rsvp.event_id, sa.func.count().label("n")).join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.state == RsvpState.GOING, Rsvp.user_id.in_(good_matches(session, viewer, now)),
               Event.starts_at > now, Event.status == EventStatus.SCHEDULED)
        .group_by(Rsvp.event_id).order_by(sa.desc("n"), Rsvp.event_id).limit(limit)).all()
    events = {e.id: e for e in session.scalars(sa.select(Event).where(Event.id.in_([r[0] for r in ranked])))}
    places = [MeetingPlace(events[event_id], n) for event_id, n in ranked]
    places.sort(key=lambda p: (-p.matches, p.event.starts_at, p.event.id))
    return places
