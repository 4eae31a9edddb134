"""The event page's list of who is going: a popular event lists the first
names and links to all of them."""

import pytest

from eventsapp.rsvps.eventpage import NAMES_LISTED
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def member(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    return user


def _names_going(count: int, **fields):
    event = make_event(title="Grand Rounds")
    for n in range(count):
        make_rsvp(event, make_user(f"Colleague {n:03d}", email=f"colleague{n}@hospital.example", **fields), "going")
    return event


def test_a_popular_event_lists_the_first_names_and_links_to_all(client, member):
    event = _names_going(NAMES_LISTED + 3)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"Colleague {NAMES_LISTED - 1:03d}" in page and f"Colleague {NAMES_LISTED:03d}" not in page
    assert f"Show all {NAMES_LISTED + 3} names" in page
    every = client.get(f"/events/{event.id}?going=all").get_data(as_text=True)
    assert f"Colleague {NAMES_LISTED + 2:03d}" in every and "Show all" not in every


def test_private_names_are_counted_apart_from_those_not_listed(client, member):
    event = _names_going(NAMES_LISTED + 1)
    make_rsvp(event, make_user("Quiet Colleague", attendance_visibility="organizers"), "going")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"Show all {NAMES_LISTED + 1} names" in page and "Quiet Colleague" not in page
    assert "And 1 more who keep" in page


def test_an_event_with_few_going_lists_everyone_without_a_link(client, member):
    event = _names_going(3)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Colleague 002" in page and "Show all" not in page
