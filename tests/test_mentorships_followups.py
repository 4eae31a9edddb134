"""The worker's follow-ups: "did you meet?", the overdue nudge and "carry on
or close?": each once, never for a closed pair, and only to members who
want them."""

from datetime import date, timedelta

import sqlalchemy as sa

from eventsapp.mentorships import answers, followups, services
from eventsapp.notifications.models import Notification
from eventsapp.timeutil import utcnow
from eventsapp.worker import all_jobs
from tests.factories import make_event, make_rsvp, make_user
from tests.fuzzing import login_as
from tests.mentorship_helpers import connected_pair, mentorship_pair

DAY = timedelta(days=1)


def said_to(session, user) -> list[str]:
    session.rollback()
    return list(session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id)))


def test_both_are_asked_did_you_meet_fourteen_days_after_acceptance_once(session):
    now = utcnow()
    request, intern, senior = connected_pair(at=now - 15 * DAY)
    young, other_intern, other_senior = connected_pair("Ida Intern", "Sam Senior", at=now - 3 * DAY)
    assert followups.ask_did_you_meet(session, now) == 2
    assert followups.ask_did_you_meet(session, now + DAY) == 0  # never twice
    assert "Did you meet Tomás Ferreira?" in said_to(session, intern)
    assert "Did you meet Maya Okafor?" in said_to(session, senior)
    assert not any("Did you meet" in n for n in said_to(session, other_intern))
    link = session.scalar(
        sa.select(Notification.link).where(Notification.user_id == intern.id, Notification.message.like("Did you%"))
    )
    assert link == f"/introductions/{request.id}/met"


def test_the_day_after_an_event_both_were_going_to_they_are_asked(session):
    now = utcnow()
    request, intern, senior = connected_pair(at=now - 5 * DAY)
    event = make_event(make_user(role="organizer", stage="faculty"), title="Journal Club", starts_in=-(DAY + DAY / 2))
    make_rsvp(event, intern)
    make_rsvp(event, senior)
    assert followups.ask_did_you_meet(session, now) == 2
    assert any("Did you meet" in n for n in said_to(session, senior))
    assert followups.ask_did_you_meet(session, now) == 0


def test_a_member_who_turned_questions_off_is_not_asked(client, session):
    now = utcnow()
    request, intern, senior = connected_pair(at=now - 15 * DAY)
    login_as(client, intern.id)
    response = client.post("/mentorships/follow-ups", data={"wanted": ["overdue", "quiet"]})
    assert response.status_code == 302
    assert followups.ask_did_you_meet(session, now) == 1
    assert not any("Did you meet" in n for n in said_to(session, intern))
    page = client.get("/mentorships").get_data(as_text=True)
    assert (
        'value="did_you_meet">' in page
        and 'checked id="wanted-1" name="wanted" type="checkbox" value="overdue"' in page
    )


def test_pairs_who_met_are_not_asked_again(session):
    now = utcnow()
    request, intern, senior = connected_pair(at=now - 15 * DAY)
    answers.answer_met(session, senior, request.id, "met")
    assert followups.ask_did_you_meet(session, now) == 0


def test_an_overdue_pair_is_nudged_once_and_not_when_a_meeting_is_planned(session):
    now = utcnow()
    mentorship, intern, senior = mentorship_pair(at=now - 40 * DAY)
    assert followups.nudge_quiet_pairs(session, now) == 2
    assert "Time to meet Tomás Ferreira again?" in said_to(session, intern)
    assert followups.nudge_quiet_pairs(session, now + DAY) == 0
    planned, other_intern, _ = mentorship_pair(at=now - 40 * DAY, intern_name="Ida Intern", senior_name="Sam Senior")
    services.set_next_meeting(session, other_intern, planned.id, now + 3 * DAY, "UTC", "")
    assert followups.nudge_quiet_pairs(session, now) == 0


def test_a_logged_meeting_starts_a_new_quiet_spell(session):
    now = utcnow()
    mentorship, intern, senior = mentorship_pair(at=now - 40 * DAY)
    followups.nudge_quiet_pairs(session, now)
    services.log_meeting(
        session, intern, mentorship.id, services.MeetingDetails(date.today() - 2 * DAY, "coffee"), date.today()
    )
    assert followups.nudge_quiet_pairs(session, now) == 0
    assert followups.nudge_quiet_pairs(session, now + 40 * DAY) == 2


def test_after_ninety_quiet_days_both_are_asked_to_carry_on_or_close_but_never_once_closed(session):
    now = utcnow()
    quiet, intern, senior = mentorship_pair(at=now - 95 * DAY)
    closed, closer, _ = mentorship_pair(at=now - 95 * DAY, intern_name="Ida Intern", senior_name="Sam Senior")
    services.close(session, closer, closed.id, "moved_on")
    assert followups.nudge_quiet_pairs(session, now) == 2
    assert "Carry on or close your mentorship with Maya Okafor?" in said_to(session, senior)
    assert not any("Carry on" in n for n in said_to(session, closer))


def test_the_worker_runs_the_follow_ups():
    assert {"ask-did-you-meet", "nudge-mentorships"} <= {job.name for job in all_jobs()}


def test_a_meeting_logged_from_before_the_start_does_not_make_a_new_pair_overdue(session):
    now = utcnow()
    mentorship, intern, senior = mentorship_pair(at=now)
    before = services.MeetingDetails(now.date() - 45 * DAY, "coffee")  # the meeting that led to "we met"
    services.log_meeting(session, intern, mentorship.id, before, now.date())
    assert followups.nudge_quiet_pairs(session, now) == 0
    assert followups.nudge_quiet_pairs(session, now + 20 * DAY) == 0
    assert followups.nudge_quiet_pairs(session, now + 32 * DAY) == 2  # overdue, counted from the start
    assert not any("Carry on" in n for n in said_to(session, intern))
