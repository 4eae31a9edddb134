"""The one eligibility rule: on random colleagues and random histories of
requests, answers to "did you meet?" and mentorships, the SQL that
preselects candidates (matching.eligibility) finds exactly those
scoring.admits lets through."""

from datetime import timedelta

import hypothesis.strategies as st
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from eventsapp.introductions.models import DECLINE_COOLDOWN, IntroRequest, RequestStatus
from eventsapp.matching import scoring
from eventsapp.matching.eligibility import eligibility, rule_for
from eventsapp.mentorships.models import Mentorship, MetAnswer
from eventsapp.profiles.career import SENIOR_STAGES, SENIORITY, STAGES
from eventsapp.profiles.help_kinds import ALL_OFFERED, from_bits
from eventsapp.profiles.models import Profile
from eventsapp.timeutil import utcnow
from tests.factories import make_user

#: A request still pending, but past its date: no longer waiting.
OVERDUE = "overdue"
#: Days since a colleague declined the viewer: either side of the cooldown
#: (six months), a hundred days (still out) and two hundred (back).
DECLINED_DAYS_AGO = (1, 100, DECLINE_COOLDOWN.days - 1, DECLINE_COOLDOWN.days + 1, 200, 400)
#: What else lies between the viewer and a colleague, and whether it keeps
#: the colleague out: "we met" from either side of an introduction since
#: ended, or any mentorship between them; other answers, or a mentorship of
#: the colleague with someone else, do not.
HISTORIES = {
    None: False,
    "viewer_said_we_met": True,
    "colleague_said_we_met": True,
    "both_said_not_yet": False,
    "mentored_by_them": True,
    "was_mentored_by_them": True,
    "mentored_them": True,
    "they_mentor_another": False,
}

# (Mostly seniors open to interns, so that the other terms decide.)
colleague = st.fixed_dictionaries(
    {
        "stage": st.sampled_from([*SENIOR_STAGES, *SENIOR_STAGES, *STAGES]),
        "open": st.sampled_from([True, True, False]),
        "capacity": st.integers(1, 3),
        "connections": st.integers(0, 3),  # accepted, with others
        # (OVERDUE: pending, but past its date, so no longer waiting.)
        "open_request": st.sampled_from([None, RequestStatus.PENDING, OVERDUE, RequestStatus.ACCEPTED]),
        "declined_days_ago": st.lists(st.sampled_from(DECLINED_DAYS_AGO), max_size=2),
        "closed": st.lists(
            st.sampled_from([RequestStatus.EXPIRED, RequestStatus.WITHDRAWN, RequestStatus.ENDED]), max_size=2
        ),
        # The help they offer: it ranks, but never decides who may be suggested.
        "offers": st.integers(0, ALL_OFFERED),
        "history": st.sampled_from(list(HISTORIES)),
    }
)


def request(requester, senior, status, now, responded_days_ago=0):
    expires_at = now + timedelta(days=14)
    if status == OVERDUE:
        status, expires_at = RequestStatus.PENDING, now - timedelta(days=1)
    return IntroRequest(
        requester_id=requester.id,
        senior_id=senior.id,
        status=status,
        message="x",
        expires_at=expires_at,
        responded_at=now - timedelta(days=responded_days_ago),
    )


def mentorship(intern, mentor, now, *, active=True):
    return Mentorship(
        intern_id=intern and intern.id,
        mentor_id=mentor and mentor.id,
        status="active" if active else "closed",
        closed_at=None if active else now,
    )


def add_history(session, viewer, user, history, now, other):
    """The answers or mentorships of one of HISTORIES between the viewer and
    a colleague (`other`: a third member)."""
    if history in ("viewer_said_we_met", "colleague_said_we_met", "both_said_not_yet"):
        asker, asked = (user, viewer) if history == "colleague_said_we_met" else (viewer, user)
        introduction = request(asker, asked, RequestStatus.ENDED, now)
        session.add(introduction)
        session.flush()
        said = "not_yet" if history == "both_said_not_yet" else "met"
        answering = (viewer, user) if history == "both_said_not_yet" else (user if "colleague" in history else viewer,)
        session.add_all(MetAnswer(intro_request_id=introduction.id, user_id=p.id, answer=said) for p in answering)
    elif history in ("mentored_by_them", "was_mentored_by_them"):
        session.add(mentorship(viewer, user, now, active=history == "mentored_by_them"))
    elif history == "mentored_them":
        session.add(mentorship(user, viewer, now, active=False))
    elif history == "they_mentor_another":
        session.add(mentorship(other, user, now))


def departed_mentorships(viewer, now) -> list[Mentorship]:
    """The viewer's mentorships whose other member deleted their account
    (their side empty): in every world, and never a reason to leave anyone out."""
    return [mentorship(viewer, None, now, active=False), mentorship(None, viewer, now, active=False)]


def facts(viewer, user, drawn, now) -> scoring.Candidate:
    """What the pure rule sees of a colleague, from the drawn values alone."""
    declines = [now - timedelta(days=d) for d in drawn["declined_days_ago"]]
    return scoring.Candidate(
        user_id=user.id,
        name=user.name,
        stage_label="",
        seniority=SENIORITY[drawn["stage"]],
        open_to_interns=drawn["open"] and drawn["stage"] in SENIOR_STAGES,
        interests=frozenset(),
        capacity=drawn["capacity"],
        active_connections=drawn["connections"] + (drawn["open_request"] == RequestStatus.ACCEPTED),
        request_id=1 if drawn["open_request"] == RequestStatus.PENDING else None,
        connected=drawn["open_request"] == RequestStatus.ACCEPTED,
        declined_at=max(declines, default=None),
        offers=from_bits(drawn["offers"]),
        met=HISTORIES[drawn["history"]],
    )


def test_the_sql_and_the_pure_rule_admit_the_same_colleagues(app, session):
    viewer = make_user("Viewer")
    people = [make_user(f"Colleague {n}") for n in range(6)]
    others = [make_user(f"Other {n}") for n in range(3)]
    now = utcnow()

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        viewer_stage=st.sampled_from(["intern", "intern", *STAGES]), drawn=st.lists(colleague, min_size=6, max_size=6)
    )
    def check(viewer_stage, drawn):
        try:
            viewer.profile.career_stage = viewer_stage
            for user, values in zip(people, drawn, strict=True):
                user.profile.career_stage = values["stage"]
                user.profile.pgy_year = 2 if values["stage"] == "resident" else None
                user.profile.open_to_interns = values["open"] and values["stage"] in SENIOR_STAGES
                user.profile.intro_capacity = values["capacity"]
                user.profile.help_offered = values["offers"]
                session.add_all(
                    request(other, user, RequestStatus.ACCEPTED, now) for other in others[: values["connections"]]
                )
                if values["open_request"]:
                    session.add(request(viewer, user, values["open_request"], now))
                session.add_all(
                    request(viewer, user, RequestStatus.DECLINED, now, days) for days in values["declined_days_ago"]
                )
                session.add_all(request(viewer, user, status, now) for status in values["closed"])
                add_history(session, viewer, user, values["history"], now, others[0])
            session.add_all(departed_mentorships(viewer, now))
            session.flush()
            rule = rule_for(viewer, now)
            in_sql = set(
                session.scalars(
                    sa.select(Profile.user_id).where(
                        Profile.user_id.in_([p.id for p in people]),
                        *eligibility(rule.viewer_id, list(rule.stages), rule.declined_since, now),
                    )
                )
            )
            in_python = {
                user.id
                for user, values in zip(people, drawn, strict=True)
                if scoring.admits(rule, facts(viewer, user, values, now))
            }
            assert in_sql == in_python
        finally:
            session.rollback()

    check()
