"""The waitlist's peak: the most people waiting at once, kept as answers
come and go, for one event and for a whole series answered at once."""

from __future__ import annotations

from datetime import date, time, timedelta

from eventsapp.events import services as events
from eventsapp.events.models import Event
from eventsapp.events.recurrence import Recurrence
from eventsapp.extensions import db
from eventsapp.rsvps import services as rsvps
from tests.factories import make_event, make_user


def _peak(event_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Event, event_id).waitlist_peak


def test_the_peak_stays_at_the_longest_the_waitlist_was(app):
    event = make_event(capacity=1)
    first, second, third, fourth = (make_user(f"Person {n}") for n in range(4))
    for person in (first, second, third):
        rsvps.respond(db.session, person, event.id, "going")
    assert _peak(event.id) == 2
    rsvps.respond(db.session, third, event.id, "declined")  # leaves the waitlist
    rsvps.respond(db.session, first, event.id, "declined")  # the seat goes to the second
    assert _peak(event.id) == 2
    rsvps.respond(db.session, fourth, event.id, "going")
    rsvps.respond(db.session, third, event.id, "going")
    rsvps.respond(db.session, first, event.id, "going")
    assert _peak(event.id) == 3


def test_an_event_nobody_waited_for_peaks_at_zero(app):
    event = make_event(capacity=5)
    rsvps.respond(db.session, make_user("Only"), event.id, "going")
    assert _peak(event.id) == 0 and db.session.get(Event, event.id).waitlist_peak_complete


def test_answering_a_whole_series_raises_each_meetings_peak(app):
    organizer = make_user("Grace", role="organizer", stage="faculty")
    first = date.today() + timedelta(days=7)
    details = events.EventDetails(
        title="Small rounds",
        kind="meeting",
        timezone="America/New_York",
        start_date=first,
        start_time=time(7, 30),
        end_time=time(8, 30),
        location="Room 2",
        capacity=1,
    )
    event = events.create_event(db.session, organizer, details, Recurrence("weekly", 1, first + timedelta(days=7)))
    for n in range(3):
        rsvps.respond_to_series(db.session, make_user(f"Member {n}"), event.series_id, "going")
    assert [_peak(e.id) for e in event.series.occurrences] == [2, 2]


def test_answers_at_the_same_moment_leave_the_peak_at_the_whole_line(app):
    from eventsapp.accounts.models import User
    from tests.test_rsvps_concurrency import run_at_once

    event = make_event(capacity=2)
    event_id, user_ids = event.id, [make_user(f"Intern {n}").id for n in range(16)]
    run_at_once(app, [(lambda s, u=u: rsvps.respond(s, s.get(User, u), event_id, "going")) for u in user_ids])
    assert _peak(event_id) == 14
