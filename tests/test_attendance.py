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
    page = client.post(f"/events/{event.id}/check-ins", data={"user_id": member.id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Kim Lee is already checked in." in page
    assert check_ins(session) == 1


def test_walk_ins_are_found_by_name_or_added_as_guests(client, session, organizer):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    walk_in = make_user("Zoë Ağaoğlu", stage="resident", pgy_year=2)
    page = client.get(f"/events/{event.id}/attendees?q=ağaoğlu").get_data(as_text=True)
    assert "Zoë Ağaoğlu" in page and "Resident (PGY-2)" in page
    client.post(f"/events/{event.id}/check-ins", data={"user_id": walk_in.id})
    client.post(f"/events/{event.id}/check-ins", data={"guest_name": "Visiting Prof. Jones"})
    page = client.post(
        f"/events/{event.id}/check-ins", data={"guest_name": "visiting prof. jones"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "already checked in" in page
    assert check_ins(session) == 2
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert page.count("Walk-in") == 2


@pytest.mark.parametrize(
    "data, message",
    [
        ({"guest_name": ""}, "Enter the guest&#39;s name."),
        ({"guest_name": "x" * 121}, "at most 120 characters"),
        ({"user_id": "99999"}, "No such member."),
    ],
)
def test_bad_check_ins_are_explained(client, session, organizer, data, message):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    page = client.post(f"/events/{event.id}/check-ins", data=data, follow_redirects=True).get_data(as_text=True)
    assert message in page
    assert check_ins(session) == 0


def test_check_in_opens_thirty_minutes_before(client, session, organizer):
    event = make_event(organizer, starts_in=timedelta(hours=2))
    page = client.post(
        f"/events/{event.id}/check-ins", data={"user_id": make_user().id}, follow_redirects=True
    ).get_data(as_text=True)
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


@pytest.mark.parametrize(
    "starts_in, message",
    [
        (timedelta(hours=2), "opens 30 minutes before"),
        (-timedelta(hours=3), "check-in has closed"),
    ],
)
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
    make_rsvp(event, make_user('=HYPERLINK("http://evil")', email="evil@hospital.example"), "going")
    make_rsvp(event, make_user("Ana Souza", email="ana@hospital.example"), "maybe")
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Name", "Email", "Career stage", "Answer", "Checked in at"]
    assert ['\'=HYPERLINK("http://evil")', "evil@hospital.example", "Intern", "Going", ""] in rows
    assert ["Ana Souza", "ana@hospital.example", "Intern", "Maybe", ""] in rows


@pytest.mark.parametrize("user_id", ["99999999999999999999", "abc", "-3"])
def test_a_mangled_member_id_is_explained(client, session, organizer, user_id):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    page = client.post(f"/events/{event.id}/check-ins", data={"user_id": user_id}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "No such member." in page
    assert check_ins(session) == 0


def test_sheet_and_csv_sort_accented_names_among_their_letter(client, organizer):
    event = make_event(organizer, starts_in=timedelta(minutes=10))
    for name in ("Zoe Adams", "Emma Stone", "Élodie Côté", "Eli Brandt", "Fatima Noor"):
        make_rsvp(event, make_user(name), "going")
    expected = ["Eli Brandt", "Élodie Côté", "Emma Stone", "Fatima Noor", "Zoe Adams"]
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert sorted(expected, key=page.index) == expected
    rows = list(csv.reader(io.StringIO(client.get(f"/events/{event.id}/attendees.csv").get_data(as_text=True))))
    assert [row[0] for row in rows[1:]] == expected


def test_check_in_buttons_wait_until_check_in_opens_and_say_when(client, organizer):
    from eventsapp.events.timefmt import format_moment
    from eventsapp.timeutil import utcnow

    later = make_event(organizer, starts_in=timedelta(hours=3), title="Later Rounds")
    make_rsvp(later, make_user("Kim Lee"), "going")
    page = client.get(f"/events/{later.id}/attendees").get_data(as_text=True)
    opens = format_moment(later.starts_at - timedelta(minutes=30), "America/New_York", utcnow(), " at ")
    assert f"Check-in opens {opens}" in page and " at " in opens
    assert "Check in<" not in page and "Check in guest" not in page and "Find a member" not in page

    soon = make_event(organizer, starts_in=timedelta(minutes=10), title="Soon Rounds")
    make_rsvp(soon, make_user("Ana Souza"), "going")
    page = client.get(f"/events/{soon.id}/attendees").get_data(as_text=True)
    assert "Check-in opens" not in page
    assert 'Check in<span class="visually-hidden"> Ana Souza' in page and "Check in guest" in page


def test_qr_page_of_an_ended_event_says_check_in_is_closed_without_a_code(client, organizer):
    event = make_event(organizer, starts_in=-timedelta(hours=3))
    page = client.get(f"/events/{event.id}/qr").get_data(as_text=True)
    assert "Check-in is closed" in page and "no longer works" in page
    assert "<svg" not in page and event.checkin_secret not in page


def test_qr_page_of_a_cancelled_event_shows_no_code(client, organizer):
    event = make_event(organizer, status="cancelled")
    page = client.get(f"/events/{event.id}/qr").get_data(as_text=True)
    assert "Check-in is closed" in page and "<svg" not in page and event.checkin_secret not in page


def test_events_i_organize_lists_upcoming_and_past_with_their_counts(client, session, organizer):
    from eventsapp.attendance.models import CheckInMethod

    helper_of = make_event(
        make_user(role="organizer"), title="Co-organized Social", starts_in=timedelta(days=3), co_organizers=[organizer]
    )
    make_event(make_user(role="organizer"), title="Someone Else's Seminar")
    upcoming = make_event(organizer, title="Upcoming Rounds", starts_in=timedelta(days=1), capacity=1)
    make_rsvp(upcoming, make_user("Seated"), "going")
    make_rsvp(upcoming, make_user("Waiting"), "waitlisted")
    past = make_event(organizer, title="Past Rounds", starts_in=-timedelta(days=2))
    came, absent = make_user("Came"), make_user("Absent")
    make_rsvp(past, came, "going")
    make_rsvp(past, absent, "going")
    session.add(CheckIn(event_id=past.id, user_id=came.id, method=CheckInMethod.ORGANIZER))
    session.add(CheckIn(event_id=past.id, guest_name="Visiting Prof", method=CheckInMethod.ORGANIZER))
    session.commit()

    page = client.get("/events/organizing").get_data(as_text=True)
    assert re.search(r'href="/events/organizing" aria-current="page">Organizing</a>', page)  # in the navigation
    assert "<h1>Events I organize</h1>" in page
    assert page.index("Upcoming Rounds") < page.index("Co-organized Social")
    assert "Past Rounds" not in page and "Someone Else" not in page
    row = page[page.index("Upcoming Rounds") : page.index("Co-organized Social")]
    assert re.search(r"<dt>Going</dt><dd>1 / 1</dd>", row) and re.search(r"<dt>Waitlist</dt><dd>1</dd>", row)
    assert re.search(r"<dt>Checked in</dt><dd>0</dd>", row)

    page = client.get("/events/organizing?scope=past").get_data(as_text=True)
    assert "Past Rounds" in page and "Upcoming Rounds" not in page and helper_of.title not in page
    assert re.search(r"<dt>Going</dt><dd>2</dd>", page) and re.search(r"<dt>Checked in</dt><dd>2</dd>", page)


def test_members_have_no_events_i_organize(client, auth):
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    assert 'href="/events/organizing"' not in client.get("/events").get_data(as_text=True)
    assert client.get("/events/organizing").status_code == 403
