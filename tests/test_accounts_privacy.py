"""A member downloads all their data, or deletes their account."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event
from eventsapp.introductions.models import IntroRequest
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def member(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"], bio="Hello")
    auth.login("maya@hospital.example")
    return user


def test_my_data_downloads_as_json_with_everything_stored_about_me(client, session, member):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, member, "going")
    senior = make_user("Tomás", stage="attending", open_to_interns=True)
    session.add(
        IntroRequest(
            requester_id=member.id, senior_id=senior.id, message="Hi!", status="pending", expires_at=event.starts_at
        )
    )
    session.commit()
    response = client.get("/account/export.json")
    assert response.mimetype == "application/json" and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "maya@hospital.example"
    assert data["profile"]["specialty_interests"] == ["Cardiology"] and data["profile"]["bio"] == "Hello"
    assert data["profile"]["event_reminders"] == "24 hours"
    assert data["profile"]["weekly_digest"] is True
    assert data["rsvps"][0]["event"] == "Grand Rounds" and data["rsvps"][0]["answer"] == "going"
    assert data["introductions"] == [
        {
            "direction": "sent",
            "with": "Tomás",
            "status": "pending",
            "message": "Hi!",
            "created_at": data["introductions"][0]["created_at"],
        }
    ]
    assert "password" not in response.get_data(as_text=True).lower()


def test_my_data_shows_a_request_past_its_date_as_expired_as_my_pages_do(client, session, member):
    senior = make_user("Tomás", stage="attending", open_to_interns=True)
    overdue = utcnow() - timedelta(hours=1)
    session.add(IntroRequest(requester_id=member.id, senior_id=senior.id, message="Hi!", expires_at=overdue))
    session.commit()
    data = json.loads(client.get("/account/export.json").get_data(as_text=True))
    assert [r["status"] for r in data["introductions"]] == ["expired"]
    assert "Expired" in client.get("/introductions").get_data(as_text=True)


def test_nobody_downloads_someone_elses_data(client):
    response = client.get("/account/export.json")
    assert response.status_code == 302 and "/login" in response.location


def test_deleting_keeps_past_counts_frees_upcoming_places_and_hands_over_events(client, session, member):
    past = make_event(title="Past", starts_in=-timedelta(days=5), capacity=10)
    upcoming = make_event(title="Upcoming", capacity=1)
    make_rsvp(past, member, "going")
    session.add(CheckIn(event_id=past.id, user_id=member.id, method="qr"))
    make_rsvp(upcoming, member, "going")
    waiting = make_user("Next In Line")
    make_rsvp(upcoming, waiting, "waitlisted")
    member.role = "organizer"
    helper = make_user("Helper", role="organizer")
    mine = make_event(member, title="My Event", co_organizers=[helper])
    session.commit()
    response = client.post(
        "/account/delete", data={"password": "correct horse battery", "confirm": "y"}, follow_redirects=True
    )
    assert "Your account is deleted." in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(sa.select(User).where(User.email == "maya@hospital.example")) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.event_id == past.id)) == 1
    assert session.scalar(sa.select(Rsvp.user_id).where(Rsvp.event_id == past.id)) is None
    assert session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1
    assert session.scalar(sa.select(Rsvp.state).where(Rsvp.user_id == waiting.id)) == "going"
    assert session.get(Event, mine.id).organizer_id == helper.id
    assert client.get("/profile").status_code == 302  # logged out


@pytest.mark.parametrize(
    "data, message",
    [
        ({"password": "wrong password!", "confirm": "y"}, "That password is not right."),
        ({"password": "correct horse battery"}, "Tick the box to confirm."),
    ],
)
def test_deleting_needs_the_password_and_a_tick(client, session, member, data, message):
    response = client.post("/account/delete", data=data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    session.rollback()
    assert session.get(User, member.id) is not None


def test_deleting_tells_everyone_with_an_open_request_or_connection(client, session, member):
    from eventsapp.notifications.models import Notification

    mentor = make_user("Dr Connected", stage="attending", open_to_interns=True)
    asked = make_user("Dr Asked", stage="fellow", open_to_interns=True)
    declined = make_user("Dr Declined", stage="fellow", open_to_interns=True)
    later = make_event(title="Later").starts_at
    session.add_all(
        [
            IntroRequest(requester_id=member.id, senior_id=mentor.id, status="accepted", expires_at=later),
            IntroRequest(requester_id=member.id, senior_id=asked.id, status="pending", expires_at=later),
            IntroRequest(requester_id=member.id, senior_id=declined.id, status="declined", expires_at=later),
        ]
    )
    session.commit()
    client.post("/account/delete", data={"password": "correct horse battery", "confirm": "y"})
    session.rollback()
    told = dict(session.execute(sa.select(Notification.user_id, Notification.message)).all())
    assert told == {mentor.id: "Maya Okafor has left Mentor Rounds", asked.id: "Maya Okafor withdrew their request"}
    assert session.scalar(sa.select(sa.func.count()).select_from(IntroRequest)) == 0
