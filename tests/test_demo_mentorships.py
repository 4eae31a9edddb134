"""The demo hospital shows mentorships at every stage: asked, accepted,
met, active with meetings, quiet, and closed."""

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.introductions.models import IntroRequest, RequestStatus, waiting_at
from eventsapp.mentorships import followups
from eventsapp.mentorships.models import Invitation, Meeting, Mentorship, MetAnswer
from eventsapp.notifications.models import Notification
from eventsapp.timeutil import utcnow
from tests.fuzzing import login_as


def test_demo_has_mentorships_at_every_stage_and_maya_sees_hers(runner, client, session):
    result = runner.invoke(args=["seed-demo"])
    assert "4 mentorships" in result.output, result.output
    session.rollback()
    now = utcnow()
    mentorships = session.scalars(sa.select(Mentorship)).all()
    by_intro = {m.intro_request_id for m in mentorships}
    # Asked: requests still waiting for the senior's answer.
    assert session.scalar(sa.select(sa.func.count()).where(waiting_at(now)))
    # Accepted, not met yet: one of the two has a plan.
    accepted = session.scalars(sa.select(IntroRequest).where(IntroRequest.status == RequestStatus.ACCEPTED)).all()
    unmet = [r.id for r in accepted if r.id not in by_intro]
    assert unmet and session.scalar(sa.select(MetAnswer.answer).where(MetAnswer.intro_request_id.in_(unmet))) == "plan"
    logged = set(session.scalars(sa.select(Meeting.mentorship_id)))
    active = [m for m in mentorships if m.is_active]
    # Met: begun, nothing logged yet. Active with meetings and the next one planned.
    assert any(m.id not in logged for m in active)
    assert any(m.id in logged and m.next_meeting_at and m.next_meeting_at > now for m in active)
    # Closed, with thanks.
    assert any(not m.is_active and m.thank_you for m in mentorships)
    # Quiet: the worker asks that pair, and only them, to carry on or close.
    assert followups.nudge_quiet_pairs(session, now) == 2
    asked = set(session.scalars(sa.select(Notification.user_id).where(Notification.message.like("Carry on or close%"))))
    (quiet,) = [m for m in active if {m.intern_id, m.mentor_id} == asked]
    assert quiet.id in logged

    maya = session.scalar(sa.select(User).where(User.email == "intern@riverside.example"))
    login_as(client, maya.id)
    listing = client.get("/mentorships").get_data(as_text=True)
    (mine,) = [m for m in mentorships if maya.id == m.intern_id]
    page = client.get(f"/mentorships/{mine.id}").get_data(as_text=True)
    assert "heart-failure research project" in page and "Ask about the echo course" in page
    assert "Cafeteria, level 2" in page and "/mentorships/" in listing
    tomas = session.scalar(sa.select(User).where(User.email == "senior@riverside.example"))
    (invitation,) = session.scalars(sa.select(Invitation).where(Invitation.senior_id == tomas.id)).all()
    login_as(client, tomas.id)
    side = client.get("/people/interns").get_data(as_text=True)
    assert side.count("/accept") >= 1  # requests waiting for his answer, answered there
    assert invitation.event.title in client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    again = runner.invoke(args=["seed-demo"])
    assert "nothing to add" in again.output
