"""The weekly digest names, at an event, exactly the colleagues that event's
Who to meet here suggests: on random colleagues going, random attendance
settings and random histories of requests and mentorships, matching.weekly (many members
at once, in Python) and rank_suggestions (one page, in SQL) agree."""

from datetime import timedelta

import hypothesis.strategies as st
from hypothesis import HealthCheck, given, settings

from eventsapp.introductions.models import RequestStatus
from eventsapp.matching.services import rank_suggestions
from eventsapp.matching.weekly import seniors_going, suggested_going
from eventsapp.profiles.career import SENIOR_STAGES, STAGES
from eventsapp.profiles.models import AttendanceVisibility
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_user
from tests.test_matching_eligibility import (
    DECLINED_DAYS_AGO,
    HISTORIES,
    OVERDUE,
    add_history,
    departed_mentorships,
    request,
)

colleague = st.fixed_dictionaries(
    {
        "stage": st.sampled_from([*SENIOR_STAGES, *SENIOR_STAGES, *STAGES]),
        "open": st.sampled_from([True, True, False]),
        "capacity": st.integers(1, 3),
        "connections": st.integers(0, 3),
        "open_request": st.sampled_from([None, RequestStatus.PENDING, OVERDUE, RequestStatus.ACCEPTED]),
        "declined_days_ago": st.lists(st.sampled_from(DECLINED_DAYS_AGO), max_size=2),
        "visibility": st.sampled_from(AttendanceVisibility.ALL),
        "answer": st.sampled_from(["going", "going", "maybe", "waitlisted", None]),
        "history": st.sampled_from(list(HISTORIES)),
    }
)


def test_the_digest_and_the_event_page_suggest_the_same_colleagues_going(app, session):
    viewers = [make_user(f"Viewer {n}") for n in range(2)]
    people = [make_user(f"Colleague {n}") for n in range(6)]
    others = [make_user(f"Other {n}") for n in range(3)]
    event = make_event(title="Rounds", starts_in=timedelta(days=5))
    now = utcnow()

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        stages=st.lists(st.sampled_from(["intern", "intern", *STAGES]), min_size=2, max_size=2),
        viewers_going=st.lists(st.booleans(), min_size=2, max_size=2),
        drawn=st.lists(colleague, min_size=6, max_size=6),
    )
    def check(stages, viewers_going, drawn):
        try:
            for viewer, stage, going in zip(viewers, stages, viewers_going, strict=True):
                viewer.profile.career_stage = stage
                viewer.profile.pgy_year = 2 if stage == "resident" else None
                if going:
                    session.add(Rsvp(event_id=event.id, user_id=viewer.id, state="going"))
            for user, values in zip(people, drawn, strict=True):
                profile = user.profile
                profile.career_stage = values["stage"]
                profile.pgy_year = 2 if values["stage"] == "resident" else None
                profile.open_to_interns = values["open"] and values["stage"] in SENIOR_STAGES
                profile.intro_capacity = values["capacity"]
                profile.attendance_visibility = values["visibility"]
                if values["answer"]:
                    queued = now if values["answer"] == "waitlisted" else None
                    session.add(Rsvp(event_id=event.id, user_id=user.id, state=values["answer"], queued_at=queued))
                session.add_all(
                    request(other, user, RequestStatus.ACCEPTED, now) for other in others[: values["connections"]]
                )
                viewer = viewers[0]  # (the other viewer has asked nobody)
                if values["open_request"]:
                    session.add(request(viewer, user, values["open_request"], now))
                session.add_all(
                    request(viewer, user, RequestStatus.DECLINED, now, days) for days in values["declined_days_ago"]
                )
                add_history(session, viewer, user, values["history"], now, others[0])
            session.add_all(departed_mentorships(viewers[0], now))
            session.flush()
            found = suggested_going(
                session, viewers, {v.id: [event.id] for v in viewers}, seniors_going(session, [event.id], now), now
            )
            for viewer in viewers:
                page = rank_suggestions(session, viewer, now=now, zone="UTC", event_id=event.id, limit=None)
                on_page = {s.candidate.user_id for s in page.suggestions}
                assert {c.user_id for c in found[viewer.id][event.id]} == on_page
        finally:
            session.rollback()

    check()
