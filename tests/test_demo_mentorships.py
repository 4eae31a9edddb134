"""The demo hospital shows mentorships at every stage."""

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships.models import Invitation, Meeting, Mentorship
from tests.fuzzing import login_as


def test_demo_has_mentorships_at_every_stage_and_maya_sees_hers(runner, client, session):
    result = runner.invoke(args=["seed-demo"])
    assert "4 mentorships" in result.output, result.output
    session.rollback()
    statuses = set(session.scalars(sa.select(IntroRequest.status)))
    assert {"pending", "accepted", "ended"} <= statuses  # asked, introduced, closed
    mentorships = session.scalars(sa.select(Mentorship)).all()
    assert {m.status for m in mentorships} == {"active", "closed"}
    met = {m.id for m in mentorships if m.is_active}
    logged = set(session.scalars(sa.select(Meeting.mentorship_id)))
    assert met - logged and met & logged  # one just begun, others with meetings
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
