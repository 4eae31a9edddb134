"""A member's mentorship data: their download, their calendars, and how a
mentorship counts against a senior's limit."""

import json
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from icalendar import Calendar

from eventsapp.ical import services as ical
from eventsapp.introductions.states import Stand, ask_state
from eventsapp.mentorships import services
from eventsapp.mentorships.models import Mentorship
from eventsapp.timeutil import utcnow
from tests.factories import make_user
from tests.fuzzing import login_as
from tests.mentorship_helpers import mentorship_pair


def test_export_holds_the_members_mentorship_with_their_own_notes_only(client, session):
    mentorship, intern, senior = mentorship_pair()
    services.write_goals(session, intern, mentorship.id, "Choose between cardiology and ICU.")
    meeting = services.log_meeting(
        session, senior, mentorship.id, services.MeetingDetails(date.today(), "on_shift", note="Tired today"),
        date.today(),
    )  # fmt: skip
    services.save_note(session, intern, mentorship.id, meeting.id, "Ask about the echo course")
    login_as(client, intern.id)
    data = json.loads(client.get("/account/export.json").get_data(as_text=True))["mentorships"]
    assert data["did_you_meet_answers"][0]["answer"] == "met"
    (mine,) = data["mentorships"]
    assert mine["role"] == "intern" and mine["with"] == "Tomás Ferreira"
    assert mine["goals"] == "Choose between cardiology and ICU."
    assert mine["meetings"] == [{"met_on": date.today().isoformat(), "place": "on_shift",
                                 "my_note": "Ask about the echo course"}]  # fmt: skip
    login_as(client, senior.id)
    text = client.get("/account/export.json").get_data(as_text=True)
    assert "Tired today" in text and "echo course" not in text


def feed_of(client, session, user):
    return client.get(f"/calendar/{ical.feed_token(ical.create_or_rotate(session, user))}.ics")


def parse_all(data: bytes) -> list[dict]:
    return [
        {"summary": str(e["SUMMARY"]), "location": str(e.get("LOCATION", "")), "start": e.decoded("DTSTART")}
        for e in Calendar.from_ical(data).walk("VEVENT")
    ]


def test_next_meeting_shows_in_both_members_feeds_and_as_a_download(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, senior.id)
    day = (date.today() + timedelta(days=10)).isoformat()
    response = client.post(
        f"/mentorships/{mentorship.id}/next", data={"date": day, "time": "07:30", "location": "Cafeteria, level 2"}
    )
    assert response.status_code == 302
    assert any("set your next meeting" in n for n in session.scalars(sa.text("SELECT message FROM notification")))
    for member, other in ((intern, "Tomás Ferreira"), (senior, "Maya Okafor")):
        feed = feed_of(client, session, member)
        assert feed.status_code == 200
        (event,) = [e for e in parse_all(feed.data) if e["summary"].startswith("Mentorship")]
        assert event["summary"] == f"Mentorship meeting with {other}"
        assert event["location"] == "Cafeteria, level 2"
        assert event["start"].strftime("%H:%M") == "07:30"  # in the zone of the member who set it
    download = client.get(f"/mentorships/{mentorship.id}/next.ics")
    assert download.status_code == 200 and b"Mentorship meeting with Maya Okafor" in download.data
    outsider = make_user("Olga Other", role="admin", stage="faculty")
    login_as(client, outsider.id)
    assert client.get(f"/mentorships/{mentorship.id}/next.ics").status_code == 404


def test_a_next_meeting_in_the_past_or_years_ahead_is_refused(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, intern.id)
    for day, message in (
        (date.today() - timedelta(days=1), "That time has passed"),
        (date.today() + timedelta(days=3 * 365), "more than a year ahead"),
    ):
        response = client.post(f"/mentorships/{mentorship.id}/next", data={"date": day.isoformat(), "time": "09:00"})
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Mentorship, mentorship.id).next_meeting_at is None


def test_closing_keeps_the_meeting_in_feeds_as_cancelled(client, session):
    mentorship, intern, senior = mentorship_pair()
    starts = utcnow().replace(microsecond=0) + timedelta(days=5)
    services.set_next_meeting(session, intern, mentorship.id, starts, "America/New_York", "Clinic")
    services.close(session, senior, mentorship.id, "moved_on")
    feed = feed_of(client, session, intern).get_data(as_text=True)
    assert "Mentorship meeting with" in feed and "STATUS:CANCELLED" in feed


def test_an_active_mentorship_counts_against_the_seniors_limit(session):
    mentorship, intern, senior = mentorship_pair(intro_capacity=1)
    another = make_user("Ida Intern", stage="intern", interests=["Cardiology"])
    now = datetime.now().astimezone()
    assert ask_state(session, another, senior, now).stand == Stand.UNAVAILABLE
    services.close(session, intern, mentorship.id, "goals_met")
    assert ask_state(session, another, senior, now).stand == Stand.CAN_ASK


def test_requests_waiting_for_the_senior_count_against_their_limit_until_they_expire(client, session):
    from eventsapp.introductions import services as introductions

    senior = make_user("Tomás Ferreira", stage="attending", open_to_interns=True, interests=["Cardiology"],
                       intro_capacity=2)  # fmt: skip
    first, second, third = (make_user(f"Intern {n}", stage="intern", interests=["Cardiology"]) for n in range(3))
    asked = utcnow() - timedelta(days=13)
    for intern in (first, second):
        introductions.request_introduction(session, intern, senior.id, "Could we meet after rounds?", asked)
    assert ask_state(session, third, senior, utcnow()).stand == Stand.UNAVAILABLE
    login_as(client, third.id)
    assert "Tomás Ferreira" not in client.get("/people").get_data(as_text=True)
    later = utcnow() + timedelta(days=2)  # both requests have expired
    assert ask_state(session, third, senior, later).stand == Stand.CAN_ASK
