"""Answering events through the service: capacity, waitlist, promotion."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.errors import DomainError, NotFound
from eventsapp.events.models import EventStatus
from eventsapp.notifications.models import Notification
from eventsapp.rsvps import services
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_user


def states(session, event):
    session.rollback()
    rows = session.execute(sa.select(Rsvp.user_id, Rsvp.state).where(Rsvp.event_id == event.id))
    return dict(rows.all())


def test_going_takes_a_seat_until_full_then_the_waitlist_shows_a_position(session):
    event = make_event(capacity=2)
    interns = [make_user(f"Intern {n}") for n in range(4)]
    outcomes = [services.respond(session, u, event.id, "going") for u in interns]
    assert [o.state for o in outcomes] == ["going", "going", "waitlisted", "waitlisted"]
    assert [o.waitlist_position for o in outcomes] == [None, None, 1, 2]


def test_maybe_never_takes_a_seat(session):
    event = make_event(capacity=1)
    services.respond(session, make_user(), event.id, "maybe")
    assert services.respond(session, make_user(), event.id, "going").state == "going"


def test_one_withdrawal_promotes_exactly_the_first_in_line_and_tells_them(session):
    event = make_event(capacity=1)
    seated, first, second = make_user("Seated"), make_user("First"), make_user("Second")
    for user in (seated, first, second):
        services.respond(session, user, event.id, "going")
    services.respond(session, seated, event.id, "declined")
    assert states(session, event) == {seated.id: "declined", first.id: "going", second.id: "waitlisted"}
    notes = session.scalars(sa.select(Notification).where(Notification.user_id == first.id)).all()
    assert len(notes) == 1 and notes[0].kind == "promoted" and "You have a place" in notes[0].message
    assert (
        session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == second.id))
        == 0
    )


def test_leaving_the_waitlist_promotes_nobody(session):
    event = make_event(capacity=1)
    seated, first, second = make_user(), make_user(), make_user()
    for user in (seated, first, second):
        services.respond(session, user, event.id, "going")
    services.respond(session, first, event.id, "maybe")
    assert states(session, event) == {seated.id: "going", first.id: "maybe", second.id: "waitlisted"}
    second_rsvp = services.find_rsvp(session, event.id, second.id)
    assert services.waitlist_position(session, second_rsvp) == 1


def test_answering_the_same_twice_changes_nothing(session):
    event = make_event(capacity=1)
    user, other = make_user(), make_user()
    first = services.respond(session, user, event.id, "going")
    again = services.respond(session, user, event.id, "going")
    assert first.changed and not again.changed
    services.respond(session, other, event.id, "going")
    assert not services.respond(session, other, event.id, "going").changed
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": EventStatus.CANCELLED}, "cancelled"),
        ({"starts_in": -timedelta(minutes=5)}, "started"),
        ({"rsvp_deadline": utcnow() - timedelta(minutes=1)}, "deadline"),
    ],
)
def test_closed_events_refuse_answers(session, change, message):
    starts_in = change.pop("starts_in", timedelta(days=3))
    event = make_event(starts_in=starts_in, **change)
    with pytest.raises(services.RsvpClosed, match=message):
        services.respond(session, make_user(), event.id, "going")
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 0


def test_unknown_event_or_answer_is_refused(session):
    with pytest.raises(NotFound):
        services.respond(session, make_user(), 424242, "going")
    with pytest.raises(DomainError):
        services.respond(session, make_user(), make_event().id, "waitlisted")


def test_going_from_a_page_showing_an_older_version_asks_to_check_again(session):
    event = make_event()
    event.revision = 3
    session.commit()
    with pytest.raises(services.EventChangedSinceViewed):
        services.respond(session, make_user(), event.id, "going", seen_revision=2)
    assert services.respond(session, make_user(), event.id, "going", seen_revision=3).state == "going"


def test_a_full_waitlist_moves_in_order_as_seats_free_up(session):
    event = make_event(capacity=2)
    people = [make_user(f"P{n}") for n in range(6)]
    for person in people:
        services.respond(session, person, event.id, "going")
    services.respond(session, people[0], event.id, "declined")
    services.respond(session, people[1], event.id, "maybe")
    result = states(session, event)
    assert [result[p.id] for p in people] == ["declined", "maybe", "going", "going", "waitlisted", "waitlisted"]
