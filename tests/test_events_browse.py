"""Browsing events and the event page."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from eventsapp.rsvps.models import Rsvp
from tests.factories import make_department, make_event, make_rsvp, make_user


@pytest.fixture
def member(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    return user


def titles(client, url):
    page = client.get(url).get_data(as_text=True)
    return [t for t in ("Grand Rounds", "Symposium", "Trivia Night", "Old Mixer", "Journal Club") if f">{t}<" in page]


def test_the_list_shows_upcoming_events_in_order_with_seats_and_my_answer(client, member):
    soon = make_event(title="Grand Rounds", starts_in=timedelta(days=1), capacity=30)
    make_event(title="Symposium", kind="conference", starts_in=timedelta(days=5))
    make_event(title="Old Mixer", kind="social", starts_in=-timedelta(days=3))
    make_rsvp(soon, member, "going")
    page = client.get("/events").get_data(as_text=True)
    assert page.index("Grand Rounds") < page.index("Symposium") and "Old Mixer" not in page
    assert "1 of 30 going" in page and "You: Going" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=conference", ["Symposium"]),
        ("q=rounds", ["Grand Rounds"]),
        ("q=%25", []),
        ("scope=past", ["Old Mixer"]),
        ("scope=mine", ["Grand Rounds"]),
    ],
)
def test_filters_live_in_the_query_string(client, member, query, expected):
    rounds = make_event(title="Grand Rounds", starts_in=timedelta(days=1))
    make_event(title="Symposium", kind="conference", starts_in=timedelta(days=5))
    make_event(title="Old Mixer", kind="social", starts_in=-timedelta(days=3))
    make_rsvp(rounds, member, "maybe")
    assert titles(client, f"/events?{query}") == expected


def test_filter_by_specialty_department_and_dates(client, member):
    surgery = make_department("Surgery")
    make_event(title="Grand Rounds", starts_in=timedelta(days=1), interests=["Cardiology"])
    make_event(title="Journal Club", starts_in=timedelta(days=20), department=surgery)
    from tests.factories import specialty

    assert titles(client, f"/events?specialty={specialty('Cardiology').id}") == ["Grand Rounds"]
    assert titles(client, f"/events?department={surgery.id}") == ["Journal Club"]
    later = (date.today() + timedelta(days=10)).isoformat()
    assert titles(client, f"/events?start={later}") == ["Journal Club"]
    assert titles(client, f"/events?end={later}") == ["Grand Rounds"]


@pytest.mark.parametrize(
    "query",
    [
        "kind=zzz",
        "specialty=abc",
        "department=99999999999999999999",
        "start=yesterday",
        "end=2026-13-45",
        "page=-5",
        "page=99999999999999999999",
        "scope=everything",
        "q=" + "x" * 500,
        "specialty=&department=",
    ],
)
def test_odd_filters_never_break_the_list(client, member, query):
    make_event(title="Grand Rounds")
    assert client.get(f"/events?{query}").status_code == 200


def test_the_list_is_paginated_and_keeps_filters(client, member):
    for n in range(23):
        make_event(title=f"Meeting {n:02d}", starts_in=timedelta(days=1, hours=n))
    page = client.get("/events?kind=meeting").get_data(as_text=True)
    assert "Page 1 of 2" in page and "kind=meeting" in page and "page=2" in page
    assert "Meeting 22" in client.get("/events?kind=meeting&page=2").get_data(as_text=True)


def test_my_events_is_for_members_only(client):
    response = client.get("/events?scope=mine")
    assert response.status_code == 302 and "/login" in response.location


def test_anonymous_visitors_see_events_but_no_names(client):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, make_user("Hidden Person"), "going")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Grand Rounds" in page and "Hidden Person" not in page
    assert "1 going" in page and "Log in to answer" in page


@pytest.mark.parametrize(
    "visibility, viewer_going, seen",
    [
        ("members", False, True),
        ("attendees", False, False),
        ("attendees", True, True),
        ("organizers", True, False),
    ],
)
def test_attendees_choose_who_sees_their_name(client, member, visibility, viewer_going, seen):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, make_user("Rhea Patel", stage="fellow", attendance_visibility=visibility), "going")
    if viewer_going:
        make_rsvp(event, member, "going")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert ("Rhea Patel" in page) is seen
    if not seen:
        assert "private" in page


def test_organizers_see_every_name(client, auth):
    organizer = make_user(email="org@hospital.example", role="organizer")
    event = make_event(organizer)
    make_rsvp(event, make_user("Rhea Patel", attendance_visibility="organizers"), "going")
    auth.login("org@hospital.example")
    assert "Rhea Patel" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_event_page_shows_time_in_my_zone_and_where_it_happens(client, session, member):
    member.profile.timezone = "Europe/London"
    session.commit()
    event = make_event(title="Grand Rounds")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "where it happens" in page and ("GMT" in page or "BST" in page)


def test_descriptions_are_escaped_and_links_clickable(client, member):
    event = make_event(description="<script>alert(1)</script>\n\nhttps://slides.example/x")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert '<a href="https://slides.example/x"' in page


def test_unknown_event_is_404(client):
    assert client.get("/events/99999").status_code == 404
    assert client.get("/events/0").status_code == 404


@pytest.mark.parametrize("query", ["end=9999-12-31", "start=0001-01-01", "start=2200-12-31&end=1900-01-01"])
def test_extreme_dates_in_filters_are_not_a_crash(client, session, query):
    make_event(title="Grand Rounds")
    make_user(email="tokyo@hospital.example", timezone="Asia/Tokyo")
    client.post("/login", data={"email": "tokyo@hospital.example", "password": "correct horse battery"})
    assert client.get(f"/events?{query}").status_code == 200
    client.post("/logout")
    assert client.get(f"/events?{query}").status_code == 200


def test_answers_of_deleted_accounts_are_nobodys_for_an_anonymous_visitor(client, session):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, make_user(), "maybe")
    session.execute(sa.update(Rsvp).values(user_id=None))
    session.commit()
    assert "You:" not in client.get("/events").get_data(as_text=True)


def test_an_event_under_way_is_still_listed_among_the_upcoming(client, member):
    """A month-long course that began weeks ago, or an all-day programme
    running for months, is still on: listed (first) and counted, filtered
    by its kind too."""
    make_event(title="Symposium", kind="conference", starts_in=-timedelta(days=29), duration=timedelta(days=30))
    make_event(title="Grand Rounds", starts_in=timedelta(days=1))
    make_event(title="Old Mixer", kind="social", starts_in=-timedelta(days=40), duration=timedelta(days=2))
    make_event(
        title="Journal Club", kind="social", starts_in=-timedelta(days=70), duration=timedelta(days=90), all_day=True
    )
    page = client.get("/events").get_data(as_text=True)
    assert "Old Mixer" not in page and "3 events<" in page
    assert page.index(">Journal Club<") < page.index(">Symposium<") < page.index(">Grand Rounds<")
    page = client.get("/events?kind=conference").get_data(as_text=True)
    assert ">Symposium<" in page and "1 event<" in page
    page = client.get("/events?kind=social").get_data(as_text=True)
    assert ">Journal Club<" in page and "1 event<" in page


def test_a_from_date_after_the_to_date_says_so_instead_of_an_empty_list(client, member):
    make_event(title="Journal Club", starts_in=timedelta(days=20))
    start, end = date.today() + timedelta(days=10), date.today() + timedelta(days=5)
    response = client.get(f"/events?start={start.isoformat()}&end={end.isoformat()}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        "is before the From date" in page and f"Choose a date on or after {start:%a} {start.day} {start:%b %Y}" in page
    )
    assert ">Journal Club<" in page  # the list goes on from the From date
    assert f'value="{end.isoformat()}"' in page  # what was typed stays in the field
