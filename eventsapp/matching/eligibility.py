"""Who may be suggested to a viewer at all, and whose attendance at an
event the viewer may see: conditions on a Profile row, shared by every
page that suggests colleagues or counts them, so that the counts on one
page are the people another shows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from eventsapp.accounts.models import User
from eventsapp.introductions.models import DECLINE_COOLDOWN, IntroRequest, RequestStatus, waiting_at
from eventsapp.matching import scoring
from eventsapp.mentorships.models import Answer, Mentorship, MetAnswer
from eventsapp.profiles.career import SENIORITY
from eventsapp.profiles.models import AttendanceVisibility, Profile, profile_specialty
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.timeutil import utcnow


def open_connections():
    """A senior's accepted connections, as a column of their Profile row."""
    return (
        sa.select(sa.func.count())
        .select_from(IntroRequest)
        .where(IntroRequest.senior_id == Profile.user_id, IntroRequest.status == RequestStatus.ACCEPTED)
        .correlate(Profile)
        .scalar_subquery()
    )


def taken_places(now=None):
    """How much of a senior's limit is taken, as a column of their Profile
    row: their accepted connections (an active mentorship is one) and the
    requests waiting for their answer at `now` (by default the parameter now)."""
    now = sa.bindparam("now") if now is None else now
    return (
        sa.select(sa.func.count())
        .select_from(IntroRequest)
        .where(IntroRequest.senior_id == Profile.user_id, _takes_a_place(now))
        .correlate(Profile)
        .scalar_subquery()
    )


def _takes_a_place(now) -> sa.ColumnElement:
    return sa.or_(IntroRequest.status == RequestStatus.ACCEPTED, waiting_at(now))


def taken_places_by_senior(now: datetime) -> sa.Subquery:
    """The same count for every senior at once (senior_id, taken), for a
    query over many seniors: grouped once rather than counted per row.
    A senior with nothing taken has no row."""
    return (
        sa.select(IntroRequest.senior_id, sa.func.count().label("taken"))
        .where(_takes_a_place(now))
        .group_by(IntroRequest.senior_id)
        .subquery("taken_places")
    )


def rule_for(viewer: User, now: datetime) -> scoring.Rule:
    """Who may be suggested to the viewer now (scoring.Rule): a decline
    keeps a colleague out for DECLINE_COOLDOWN."""
    return scoring.Rule(viewer.id, SENIORITY.get(viewer.profile.career_stage, 0), now - DECLINE_COOLDOWN)


def rule_params(rule: scoring.Rule) -> dict:
    """The values of eligibility's bound parameters, from the rule."""
    return {"viewer_id": rule.viewer_id, "stages": list(rule.stages), "declined_since": rule.declined_since}


def seniors_above(stage: str | None) -> list[str]:
    """The career stages further along than this one."""
    return list(scoring.Rule(0, SENIORITY.get(stage, 0) if stage else 0).stages)


def waiting_requests(viewer_id, now=None):
    """The seniors the viewer asked and who have not answered yet, at `now`
    (a value; by default the bound parameter now)."""
    now = sa.bindparam("now") if now is None else now
    return sa.select(IntroRequest.senior_id).where(*asked_by(viewer_id, now))


def asked_by(viewer_id, now) -> list:
    """Conditions on IntroRequest: the viewer's request, waiting at `now`.
    The states of the index on open pairs are written out as values, so
    that the planner may use it (with parameters alone, SQLite cannot) to
    find the viewer's request to each colleague by key."""
    open_pair = sa.bindparam("open_pair", list(RequestStatus.OPEN), expanding=True, literal_execute=True)
    return [IntroRequest.requester_id == viewer_id, IntroRequest.status.in_(open_pair), waiting_at(now)]


def eligible_seniors(viewer: User, stages: list[str], now: datetime):
    """A subquery of who may be suggested to the viewer at all: opted in,
    further along, with room under their limit (or asked by the viewer and
    not answered yet), not connected, met or recently declined (scoring.admits)."""
    return sa.select(Profile.user_id).where(*eligibility(viewer.id, stages, now - DECLINE_COOLDOWN, now))


def already_met(person):
    """Rows (person, other) of two people who met: either said "we met" of
    an introduction between them, or a mentorship joins them (active or
    closed), whichever side each was on. `person(column)` is the condition
    on the first one (the viewer, or a batch of members); a departed
    member's empty side is never a row."""
    mentorships = ((Mentorship.intern_id, Mentorship.mentor_id), (Mentorship.mentor_id, Mentorship.intern_id))
    asked = ((IntroRequest.requester_id, IntroRequest.senior_id), (IntroRequest.senior_id, IntroRequest.requester_id))
    we_met = sa.exists().where(MetAnswer.intro_request_id == IntroRequest.id, MetAnswer.answer == Answer.MET)
    return sa.union_all(
        *(
            sa.select(me.label("person"), other.label("other")).where(person(me), other.is_not(None))
            for me, other in mentorships
        ),
        *(sa.select(me.label("person"), other.label("other")).where(person(me), we_met) for me, other in asked),
    )


def eligibility(viewer_id, stages: list[str], declined_since, now=None) -> list:
    """scoring.admits as conditions on a Profile row, each clause one of
    its terms, for queries that start from a short list of people rather
    than from every senior. The values come from a scoring.Rule (its
    viewer_id, stages and declined_since; see rule_params), as values or
    bound parameters for statements built once (`now` by default the
    parameter now). A colleague the viewer asked stays suggested while the
    request waits, shown as waiting."""
    connections = taken_places(now)
    settled = sa.select(IntroRequest.senior_id).where(
        IntroRequest.requester_id == viewer_id,
        sa.or_(
            IntroRequest.status == RequestStatus.ACCEPTED,
            sa.and_(IntroRequest.status == RequestStatus.DECLINED, IntroRequest.responded_at > declined_since),
        ),
    )
    met = already_met(lambda person: person == viewer_id).subquery()
    if isinstance(stages, list) and not stages:
        stages = ["-"]  # nobody
    # (Room under their limit last: the only test that counts rows.)
    return [
        Profile.open_to_interns,
        Profile.career_stage.in_(stages),
        Profile.user_id != viewer_id,
        Profile.user_id.not_in(settled),
        Profile.user_id.not_in(sa.select(met.c.other)),
        sa.or_(connections < Profile.intro_capacity, Profile.user_id.in_(waiting_requests(viewer_id, now))),
    ]


def attendance_shown(event_id, viewer_id):
    """A condition on a Profile row: the viewer may see its owner's name on
    the attendee list of that event (a column or a value), as
    rsvps.rules.may_see_name: everyone's who shows it to all members, and
    theirs who show it to people going when the viewer goes too. Those who
    show it to organizers only are suggested for their interests alone."""
    own = aliased(Rsvp)
    viewer_going = sa.select(own.event_id).where(own.user_id == viewer_id, own.state == RsvpState.GOING)
    return sa.or_(
        Profile.attendance_visibility == AttendanceVisibility.MEMBERS,
        sa.and_(Profile.attendance_visibility == AttendanceVisibility.ATTENDEES, event_id.in_(viewer_going)),
    )


def good_matches(session, viewer: User, now: datetime | None = None):
    """A subquery of the colleagues who would be suggested to the viewer for
    their interests: eligible, and showing an interest the viewer has."""
    mine = sa.select(profile_specialty.c.specialty_id).where(profile_specialty.c.profile_id == viewer.id)
    eligible = eligible_seniors(viewer, seniors_above(viewer.profile.career_stage), now or utcnow())
    return eligible.where(
        Profile.show_interests,
        Profile.user_id.in_(
            sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.specialty_id.in_(mine))
        ),
    )


def suggestible_stages(viewer) -> tuple[str, ...] | None:
    """The career stages whose colleagues can be suggested to this viewer;
    None when nobody can be (signed out, or no career stage)."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.profile.career_stage:
        return None
    return tuple(seniors_above(viewer.profile.career_stage))


def good_match_profile(viewer_id, stages: tuple[str, ...], declined_since) -> list:
    """Conditions on a Profile row: its owner is a colleague suggested to
    the viewer for their interests (as good_matches). Meant to be checked
    from rows already found (the answers to a page of events), joined by
    key, never as a list of every good match in the hospital. Values or
    bound parameters, as eligibility."""
    mine = sa.select(profile_specialty.c.specialty_id).where(profile_specialty.c.profile_id == viewer_id)
    shares = sa.exists().where(
        profile_specialty.c.profile_id == Profile.user_id, profile_specialty.c.specialty_id.in_(mine)
    )
    # Cheap tests first (most of those going are not seniors open to
    # interns); counting their connections last.
    *simple, room = eligibility(viewer_id, list(stages), declined_since)
    return [*simple, Profile.show_interests, shares, room]
