"""Answering events from the event page."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def member(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    return user


def answer(client, event, state, **extra):
    return client.post(f"/events/{event.id}/rsvp", data={"state": state, **extra}, follow_redirects=True)


def test_going_maybe_and_not_going_each_say_what_happened(client, member):
    event = make_event()
    assert "You&#39;re going." in answer(client, event, "going").get_data(as_text=True)
    page = answer(client, event, "maybe").get_data(as_text=True)
    assert "Marked as maybe" in page and "You don&#39;t hold a seat" in page
    assert "Marked as not going." in answer(client, event, "declined").get_data(as_text=True)


def test_a_full_event_puts_me_on_the_waitlist_with_my_place(client, member):
    event = make_event(capacity=1)
    make_rsvp(event, make_user(), "going")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Join the waitlist" in page
    page = answer(client, event, "going").get_data(as_text=True)
    assert "you&#39;re number 1 on the waitlist" in page
    assert "You're number <strong>1</strong> on the waitlist" in page


def test_a_double_submit_leaves_one_answer(client, session, member):
    event = make_event()
    answer(client, event, "going")
    answer(client, event, "going")
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1


def test_going_on_a_page_older_than_the_event_asks_to_check_again(client, session, member):
    event = make_event()
    event.revision = 2
    session.commit()
    page = answer(client, event, "going", revision="1").get_data(as_text=True)
    assert "This event changed after you opened the page" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"starts_in": -timedelta(days=2)}, "This event is over."),
        ({"starts_in": -timedelta(minutes=10)}, "This event has started"),
    ],
)
def test_past_events_refuse_answers(client, session, member, kwargs, message):
    event = make_event(**kwargs)
    assert message in answer(client, event, "going").get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


@pytest.mark.parametrize("state", ["waitlisted", "", "yes", "<b>"])
def test_unknown_answers_are_refused(client, session, member, state):
    page = answer(client, make_event(), state).get_data(as_text=True)
    assert "Choose going, maybe or not going." in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_answering_an_unknown_event_is_404(client, member):
    assert client.post("/events/99999/rsvp", data={"state": "going"}).status_code == 404


def test_anonymous_answers_are_sent_to_log_in(client):
    response = client.post(f"/events/{make_event().id}/rsvp", data={"state": "going"})
    assert response.status_code == 302 and "/login" in response.location


def test_withdrawing_gives_my_seat_to_the_first_in_line(client, session, member):
    event = make_event(capacity=1)
    answer(client, event, "going")
    waiting = make_user("Next In Line")
    make_rsvp(event, waiting, "waitlisted")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Withdraw" in page
    answer(client, event, "declined")
    session.rollback()
    assert session.scalar(sa.select(Rsvp.state).where(Rsvp.user_id == waiting.id)) == "going"


def test_a_request_that_fails_half_way_leaves_nothing_behind(client, session, member):
    from eventsapp.notifications.models import Notification
    from eventsapp.rsvps.signals import waitlisted

    event = make_event(capacity=1)
    seated = make_user("Seated")
    make_rsvp(event, seated, "going")
    waiting = make_user("Waiting")
    make_rsvp(event, waiting, "waitlisted")

    def explode(*args, **kwargs):
        raise RuntimeError("injected after the RSVP row was written")

    # Member joins the waitlist: the row is written, then what answers it fails.
    with waitlisted.connected_to(explode):
        response = client.post(f"/events/{event.id}/rsvp", data={"state": "going"})
    assert response.status_code == 500
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.user_id == member.id)) == 0
    assert session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
