"""The demo hospital has a speed-mentoring evening coming up, planned, and
one held a few weeks ago with answers about whom to meet again: the
organizer's pages, the intern's phone and the results show something true."""

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.demo.speed import COMING, HELD
from eventsapp.events.models import Event
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.speed import results
from eventsapp.speed.models import SpeedFollowUp, SpeedSeat, SpeedSession
from eventsapp.timeutil import utcnow
from tests.fuzzing import login_as


def _event(session, title: str) -> Event:
    return session.scalar(sa.select(Event).where(Event.title == title))


def _user(session, email: str) -> User:
    return session.scalar(sa.select(User).where(User.email == email))


def test_demo_evening_coming_up_is_planned_and_the_intern_sees_her_table(runner, client, session):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    session.rollback()
    coming = _event(session, COMING.title)
    assert coming.starts_at > utcnow()
    speed = session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == coming.id))
    assert speed.planned_at is not None and speed.current_round == 0 and speed.quality_total
    seats = session.scalars(sa.select(SpeedSeat).where(SpeedSeat.session_id == speed.id)).all()
    maya, tomas = _user(session, "intern@riverside.example"), _user(session, "senior@riverside.example")
    assert {s.intern_id for s in seats} >= {maya.id} and tomas.id in {s.senior_id for s in seats}
    assert len({s.intern_id for s in seats}) == COMING.interns  # nobody going is left out

    login_as(client, _user(session, "organizer@riverside.example").id)
    page = client.get(f"/events/{coming.id}/speed/").get_data(as_text=True)
    assert "Round 6" in page and "Tomás Ferreira" in page and "Maya Okafor" in page
    assert client.get(f"/events/{coming.id}/speed/screen").status_code == 200
    assert "Maya Okafor" in client.get(f"/events/{coming.id}/speed/print").get_data(as_text=True)
    login_as(client, maya.id)
    phone = client.get(f"/events/{coming.id}/speed/me").get_data(as_text=True)
    (first,) = [s for s in seats if s.intern_id == maya.id and s.round == 1]
    assert f"Table {first.table_no}" in phone or f"table {first.table_no}" in phone


def test_demo_evening_held_shows_a_mutual_match_and_one_sided_wishes(runner, client, session):
    runner.invoke(args=["seed-demo"])
    session.rollback()
    held = _event(session, HELD.title)
    assert held.ends_at < utcnow()
    found = results.results(session, held.id, utcnow())
    assert found.rounds_held == HELD.settings.rounds and found.pairs_met > HELD.interns
    assert len(found.mutual) == 1 and found.interns_only >= 1 and found.seniors_only >= 1
    # The mutual match is an introduction accepted at once; the intern's wish alone a request waiting.
    linked = session.scalars(
        sa.select(IntroRequest).join(SpeedFollowUp, SpeedFollowUp.intro_request_id == IntroRequest.id)
    ).all()
    assert {r.status for r in linked} == {RequestStatus.ACCEPTED, RequestStatus.PENDING}
    intern, senior = found.mutual[0]
    login_as(client, _user(session, "organizer@riverside.example").id)
    page = client.get(f"/events/{held.id}/speed/results").get_data(as_text=True)
    assert intern in page and senior in page


def test_demo_speed_evenings_are_seeded_once(runner, session):
    runner.invoke(args=["seed-demo"])
    session.rollback()
    counts = [session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (SpeedSession, SpeedSeat)]
    again = runner.invoke(args=["seed-demo"])
    assert "nothing to add" in again.output
    session.rollback()
    assert [session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (SpeedSession, SpeedSeat)] == counts
