"""The statements rank_suggestions runs, built once per process for each
kind of page and database: building them and computing their cache keys
cost about as much as running them.

Parameters: viewer_id, stages, declined_since, now, upcoming_until,
past_since, event_id, specialty_id, mine (the viewer's interests), and ids
(People to meet: whom to look up) or visible (an event's page: the
attendance settings the viewer may see)."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.models import IntroRequest
from eventsapp.matching.eligibility import asked_by, eligibility, taken_places, waiting_requests
from eventsapp.matching.together import AnswersFirst
from eventsapp.mentorships.models import Mentorship, MentorshipStatus
from eventsapp.profiles.models import Profile, Specialty, profile_specialty
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.sqlids import in_ids


class SuggestionQueries(NamedTuple):
    names: sa.Select  # the viewer's interests, each with whether an active mentor of theirs shares it
    events: sa.Select  # the viewer's upcoming and past events (and the page's)
    viewer_going: sa.Select  # whether the viewer goes to the page's event
    candidates: sa.Select  # each candidate, once per interest shared with the viewer


class CandidateRow(NamedTuple):
    """A row of the candidates statement (one per interest shared)."""

    id: int
    name: str
    career_stage: str
    pgy_year: int | None
    intro_capacity: int
    show_interests: bool
    connections: int
    shared: int | None
    request_id: int | None
    waiting: int
    help_offered: int  # the kinds of help they offer (help_kinds.BITS)
    department_id: int | None
    show_department: bool


@lru_cache(maxsize=8)
def suggestion_queries(for_event: bool, by_specialty: bool, dialect: str) -> SuggestionQueries:
    """rank_suggestions' statements for an event's page (`for_event`) or
    People to meet, filtered by a specialty or not, on this database."""
    names, events, viewer_going = _viewer_statements()
    return SuggestionQueries(names, events, viewer_going, _candidates_statement(for_event, by_specialty, dialect))


def _viewer_statements() -> tuple[sa.Select, sa.Select, sa.Select]:
    """The viewer's interests (and which their active mentors share and
    show), events, and whether they go to the page's event."""
    viewer_id, event_id, now = sa.bindparam("viewer_id"), sa.bindparam("event_id"), sa.bindparam("now")
    held = profile_specialty.alias("held")
    covered = sa.exists().where(
        Mentorship.intern_id == viewer_id,
        Mentorship.status == MentorshipStatus.ACTIVE,
        held.c.profile_id == Mentorship.mentor_id,
        held.c.specialty_id == Specialty.id,
        Profile.user_id == Mentorship.mentor_id,
        Profile.show_interests,
    )
    names = (
        sa.select(Specialty.id, Specialty.name, covered.label("covered"))
        .join(profile_specialty, profile_specialty.c.specialty_id == Specialty.id)
        .where(profile_specialty.c.profile_id == viewer_id)
    )
    # Each kind from the viewer's own rows, by key (as one filter over the
    # events, PostgreSQL read every event of those months to test them, and
    # SQLite, unless told the order, every event of the next two months).
    columns = (Event.id, Event.title, Event.starts_at, Event.ends_at, Event.all_day, Event.timezone)
    events = sa.union(
        sa.select(*columns)
        .select_from(AnswersFirst(Rsvp.__table__, Event.__table__, Rsvp.event_id == Event.id))
        .where(
            Rsvp.user_id == viewer_id,
            Rsvp.state == RsvpState.GOING,
            Event.starts_at > now,
            Event.starts_at <= sa.bindparam("upcoming_until"),
            Event.status == EventStatus.SCHEDULED,
        ),
        sa.select(*columns)
        .join(CheckIn, CheckIn.event_id == Event.id)
        .where(CheckIn.user_id == viewer_id, Event.starts_at <= now, Event.starts_at > sa.bindparam("past_since")),
        sa.select(*columns).where(Event.id == event_id),
    )
    viewer_going = sa.select(
        sa.exists().where(Rsvp.event_id == event_id, Rsvp.user_id == viewer_id, Rsvp.state == RsvpState.GOING)
    )
    return names, events, viewer_going


def _candidates_statement(for_event: bool, by_specialty: bool, dialect: str) -> sa.Select:
    """Each candidate who may be suggested (eligibility), once per interest
    they share with the viewer (CandidateRow): those going to the event, or
    those People to meet looks up."""
    viewer_id, now = sa.bindparam("viewer_id"), sa.bindparam("now")
    if for_event:
        scope = sa.and_(
            Profile.attendance_visibility.in_(sa.bindparam("visible", expanding=True)),
            Profile.user_id.in_(
                sa.select(Rsvp.user_id).where(Rsvp.event_id == sa.bindparam("event_id"), Rsvp.state == RsvpState.GOING)
            ),
        )
    else:
        scope = in_ids(Profile.user_id, "ids", dialect)
    rules = eligibility(viewer_id, sa.bindparam("stages", expanding=True), sa.bindparam("declined_since"))
    # The viewer's request waiting for each one's answer, and (the same on
    # every row, worked out once) how many of the viewer's requests wait.
    request_id = (
        sa.select(IntroRequest.id)
        .where(*asked_by(viewer_id, now), IntroRequest.senior_id == Profile.user_id)
        .limit(1)
        .correlate(Profile)
        .scalar_subquery()
    )
    waiting = sa.select(sa.func.count()).select_from(waiting_requests(viewer_id).subquery()).scalar_subquery()
    candidates = (
        sa.select(
            User.id,
            User.name,
            Profile.career_stage,
            Profile.pgy_year,
            Profile.intro_capacity,
            Profile.show_interests,
            taken_places(now).label("connections"),
            profile_specialty.c.specialty_id.label("shared"),
            request_id.label("request_id"),
            waiting.label("waiting"),
            Profile.help_offered,
            Profile.department_id,
            Profile.show_department,
        )
        .join(Profile, Profile.user_id == User.id)
        .outerjoin(
            profile_specialty,
            sa.and_(
                profile_specialty.c.profile_id == Profile.user_id,
                profile_specialty.c.specialty_id.in_(sa.bindparam("mine", expanding=True)),
            ),
        )
        .where(scope, *rules)
    )
    if by_specialty:
        of_specialty = sa.select(profile_specialty.c.profile_id).where(
            profile_specialty.c.specialty_id == sa.bindparam("specialty_id")
        )
        candidates = candidates.where(User.id.in_(of_specialty))
    return candidates
