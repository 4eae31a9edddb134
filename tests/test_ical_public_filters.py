"""A filtered public feed holds exactly the meetings the event list shows
with the same filters, also when a meeting of a series was changed to
another kind, specialty or department than its series."""

from dataclasses import replace
from datetime import date, time, timedelta
from itertools import product

import pytest
from flask_login import AnonymousUserMixin

from eventsapp.events import listing
from eventsapp.events import services as events
from eventsapp.events.recurrence import Frequency, Recurrence
from eventsapp.timeutil import utcnow
from tests.factories import make_department, make_event, make_user, specialty
from tests.ical_readers import READERS

# Every filtered feed read by every .ics reader: make test-fast leaves it out.
pytestmark = pytest.mark.slow


@pytest.fixture
def hospital(session):
    """A weekly series, one meeting changed to another kind, specialty and
    department, one moved, one cancelled; single events around it."""
    cardiology, neurology = specialty("Cardiology"), specialty("Neurology")
    surgery, medicine = make_department("Surgery"), make_department("Medicine")
    organizer = make_user("Dr Organizer", role="organizer", stage="attending")
    start = date.today() + timedelta(days=10)
    details = events.EventDetails(
        title="Heart Team",
        kind="meeting",
        timezone="America/New_York",
        all_day=False,
        start_date=start,
        start_time=time(7, 30),
        end_date=start,
        end_time=time(8, 30),
        description="",
        location="Library",
        online_url="",
        department_id=surgery.id,
        specialty_ids=[cardiology.id],
        capacity=None,
        rsvp_deadline_date=None,
        rsvp_deadline_time=None,
        co_organizer_ids=[],
    )
    first = events.create_event(
        session, organizer, details, Recurrence(Frequency.WEEKLY, 1, start + timedelta(weeks=5))
    )
    meetings = sorted(first.series.occurrences, key=lambda e: e.starts_at)
    ids = [m.id for m in meetings]

    def edit(event_id, **changes):
        event = events.get_event(session, event_id)
        events.update_event(session, organizer, event_id, replace(events.details_of(event), **changes), version=None)

    edit(ids[1], title="Neuro Workshop", kind="conference", specialty_ids=[neurology.id], department_id=medicine.id)
    edit(ids[2], start_time=time(9, 0), end_time=time(10, 0))  # still a meeting of the series' kind
    events.cancel_event(session, organizer, ids[3])
    make_event(organizer, title="Coffee", kind="social", starts_in=timedelta(days=12))
    make_event(
        organizer,
        title="Brain Talk",
        kind="meeting",
        starts_in=timedelta(days=20),
        interests=["Neurology"],
        department=medicine,
    )
    make_event(organizer, title="Past Lunch", kind="social", starts_in=-timedelta(days=10))
    make_event(
        organizer,
        title="Called Off",
        kind="meeting",
        starts_in=timedelta(days=15),
        status="cancelled",
        department=surgery,
    )
    return {
        "kind": [None, "meeting", "conference", "social"],
        "specialty": [None, cardiology.id, neurology.id],
        "department": [None, surgery.id, medicine.id],
    }


def listed(session, kind, specialty_id, department_id, first, last) -> list[tuple]:
    """What the event list shows (upcoming and past), as the readers give
    occurrences. A cancelled meeting of a series is an EXDATE in a feed
    (the series' entry changes, so calendars drop it); a cancelled single
    event stays, marked cancelled."""
    rows = []
    for scope in (listing.Scope.UPCOMING, listing.Scope.PAST):
        filters = listing.Filters(scope=scope, kind=kind, specialty_id=specialty_id, department_id=department_id)
        rows += listing.list_events(session, AnonymousUserMixin(), filters, utcnow(), per_page=500).items
    return sorted(
        (row.event.title, row.event.starts_at, row.event.status.upper().replace("SCHEDULED", "CONFIRMED"))
        for row in rows
        if first <= row.event.starts_at <= last and not (row.event.is_cancelled and row.event.series_id)
    )


@pytest.mark.parametrize("reader", READERS)
def test_each_filtered_feed_holds_what_the_list_shows(session, client, hospital, reader):
    first, last = utcnow() - timedelta(days=59), utcnow() + timedelta(days=364)
    checked = 0
    for kind, specialty_id, department_id in product(*hospital.values()):
        query = {k: v for k, v in (("kind", kind), ("specialty", specialty_id), ("department", department_id)) if v}
        feed = client.get("/calendar/events.ics", query_string=query)
        assert feed.status_code == 200
        expected = listed(session, kind, specialty_id, department_id, first, last)
        text = feed.get_data(as_text=True)
        # (vobject refuses a calendar without events.)
        got = READERS[reader](text, first, last) if "BEGIN:VEVENT" in text else []
        assert got == expected, query
        checked += bool(expected)
    assert checked > 10  # most filters show something: the comparison is not empty on both sides
