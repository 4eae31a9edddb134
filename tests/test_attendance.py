"""Who came: organizer check-in, walk-ins, QR self check-in, the CSV."""
import csv
import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.attendance.models import CheckIn
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def organizer(auth):
    user = make_user("Grace", email="grace@hospital.example", role="organizer")
    auth.login("grace@hospital.example")
    return user


def check_ins(session):
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(CheckIn))


def test_organizer_sees_counts_and_show_rate(client, organizer):
    event = make_event(organizer, starts_in=-timedelta(days=1), capacity=10)
    came, absent = make_user("Came"), make_user("Absent")
    make_rsvp(event, came, "going")
    make_rsvp(event, absent, "going")
    make_rsvp(event, make_user("Waiting"), "waitlisted")
    client.post(f"/events/{event.id}/check-ins", data={"user_id": came.id})
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert re.search(r"<dt>Going</dt><dd>2 / 10</dd>", page)
    assert re.search(r"<dt>Checked in</dt><dd>1</dd>", page) and "50%" in page


def test_checking_in_twice_records_one_check_in(client, session, organizer):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    member = make_user("Kim Lee")
    client.post(f"/events/{event.id}/check-ins", data={"user_id": member.id})
    page = client.post(f"/events/{event.id}/check-ins", data={"user_id": member.id},
                       follow_redirects=True).get_data(as_text=True)
    assert "Kim Lee is already checked in." in page
    assert check_ins(session) == 1


def test_walk_ins_are_found_by_name_or_added_as_guests(client, session, organizer):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    walk_in = make_user("Zoë Ağaoğlu", stage="resident", pgy_year=2)
    page = client.get(f"/events/{event.id}/attendees?q=ağaoğlu").get_data(as_text=True)
    assert "Zoë Ağaoğlu" in page and "Resident (PGY-2)" in page
    client.post(f"/events/{event.id}/check-ins", data={"user_id": walk_in.id})
    client.post(f"/events/{event.id}/check-ins", data={"guest_name": "Visiting Prof. Jones"})
    page = client.post(f"/events/{event.id}/check-ins", data={"guest_name": "visiting prof. jones"},
                       follow_redirects=True).get_data(as_text=True)
    assert "already checked in" in page
    assert check_ins(session) == 2
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert page.count("Walk-in") == 2


@pytest.mark.parametrize("data, message", [
    ({"guest_name": ""}, "Enter the guest&#39;s name."),
    ({"guest_name": "x" * 121}, "at most 120 characters"),
    ({"user_id": "99999"}, "No such member."),
])
def test_bad_check_ins_are_explained(client, session, organizer, data, message):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    page = client.post(f"/events/{event.id}/check-ins", data=data, follow_redirects=True).get_data(as_text=True)
    assert message in page
    assert check_ins(session) == 0


def test_check_in_opens_thirty_minutes_before(client, session, organizer):
    event = make_event(organizer, starts_in=timedelta(hours=2))
    page = client.post(f"/events/{event.id}/check-ins", data={"user_id": make_user().id},
                       follow_redirects=True).get_data(as_text=True)
    assert "opens 30 minutes before" in page
    assert check_ins(session) == 0


def test_qr_page_shows_an_svg_code_of_the_check_in_link(client, organizer):
    event = make_event(organizer)
    page = client.get(f"/events/{event.id}/qr").get_data(as_text=True)
    assert "<svg" in page and f"/events/{event.id}/check-in/{event.checkin_secret}" in page


def _scan(client, event, secret=None):
    url = f"/events/{event.id}/check-in/{secret or event.checkin_secret}"
    return client.get(url), client.post(url, follow_redirects=True)


def test_member_checks_in_by_scanning_the_code_once(client, auth, session):
    event = make_event(starts_in=timedelta(minutes=20))
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    shown, done = _scan(client, event)
    assert shown.status_code == 200 and "Check me in" in shown.get_data(as_text=True)
    assert "You&#39;re checked in." in done.get_data(as_text=True)
    assert "already checked in" in _scan(client, event)[1].get_data(as_text=True)
    assert check_ins(session) == 1


@pytest.mark.parametrize("starts_in, message", [
    (timedelta(hours=2), "opens 30 minutes before"),
    (-timedelta(hours=3), "check-in has closed"),
])
def test_the_code_works_only_in_its_window(client, auth, session, starts_in, message):
    event = make_event(starts_in=starts_in)
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    assert message in _scan(client, event)[1].get_data(as_text=True)
    assert check_ins(session) == 0


def test_a_wrong_code_is_404(client, auth, session):
    event = make_event(starts_in=timedelta(minutes=5))
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    shown, done = _scan(client, event, secret="guess")
    assert shown.status_code == 404 and done.status_code == 404
    assert check_ins(session) == 0


def test_scanning_needs_a_login_and_comes_back_after(client):
    event = make_event(starts_in=timedelta(minutes=5))
    response = client.get(f"/events/{event.id}/check-in/{event.checkin_secret}")
    assert response.status_code == 302 and "/login?next=" in response.location


def test_csv_lists_everyone_with_emails_and_neutralises_formulas(client, organizer):
    event = make_event(organizer, starts_in=timedelta(minutes=5))
    make_rsvp(event, make_user("=HYPERLINK(\"http://evil\")", email="evil@hospital.example"), "going")
    make_rsvp(event, make_user("Ana Souza", email="ana@hospital.example"), "maybe")
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Name", "Email", "Career stage", "Answer", "Checked in at"]
    assert ["'=HYPERLINK(\"http://evil\")", "evil@hospital.example", "Intern", "Going", ""] in rows
    assert ["Ana Souza", "ana@hospital.example", "Intern", "Maybe", ""] in rows


@pytest.mark.parametrize("user_id", ["99999999999999999999", "abc", "-3"])
def test_a_mangled_member_id_is_explained(client, session, organizer, user_id):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    page = client.post(f"/events/{event.id}/check-ins", data={"user_id": user_id},
                       follow_redirects=True).get_data(as_text=True)
    assert "No such member." in page
    assert check_ins(session) == 0
