"""A small world of one organizer's events where every figure is counted by
hand (tests/test_program_organized.py reads it).

Olga organizes the series *Morning report* (capacity 3), four meetings:

| Meeting | Days | Going | Checked in | Guests | Show rate | Waitlist peak |
|---------|------|-------|------------|--------|-----------|---------------|
| M1      | -28  | 3     | 2          | 1      | 67%       | 2 (then 1)    |
| M2      | -21  | 3     | 3          | 0      | 100%      | 1 (promoted)  |
| M3      | -14  | cancelled: listed, left out of the summary       |
| M4      | -7   | 3     | 1          | 0      | 33%       | 0             |

Dee went to M2 and deleted her account since: her answer and check-in
still count. Summary: 3 of 4 held, show rate 6/9 = 67%, highest peak 2,
trend falling (2 checked in at the first held meeting, 1 at the last).

One-off events Olga sees: *Case conference* (-3 days, organized by Otto,
Olga co-organizes: 2 going, 1 checked in, 50%; its peak counted since
records began) and *Welcome drinks* (+10 days, capacity 1: 1 going, peak 1).
Not hers: *Otto's club* (-5 days, admins see it) and *Last year's rounds*
(-400 days, before the year began).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from eventsapp.accounts.privacy import delete_account
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.events.models import Event, EventStatus, Series
from eventsapp.extensions import db
from eventsapp.rsvps import services as rsvps
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_event, make_user

DAY = timedelta(days=1)


@dataclass
class Cohort:
    olga: object
    otto: object
    series_id: int
    events: dict


def _answer(event, person, answer="going"):
    """Answered the day before the event, through the RSVP service."""
    rsvps.respond(db.session, person, event.id, answer, now=event.starts_at - DAY)


def _check_in(event, *people, guest: str | None = None):
    for person in people:
        db.session.add(CheckIn(event_id=event.id, user_id=person.id, method=CheckInMethod.ORGANIZER))
    if guest:
        db.session.add(CheckIn(event_id=event.id, guest_name=guest, method=CheckInMethod.ORGANIZER))
    db.session.commit()


def build() -> Cohort:
    olga = make_user("Olga Organizer", role="organizer", stage="faculty")
    otto = make_user("Otto Other", role="organizer", stage="faculty")
    p1, p2, p3, p4, p5, p6 = (make_user(f"Member {n}") for n in range(1, 7))
    dee = make_user("Dee Deleted")
    series = Series(frequency="weekly", interval=1, until=date.today(), timezone="UTC", starts_at=utcnow() - 28 * DAY)
    db.session.add(series)
    m = {
        name: make_event(olga, title="Morning report", starts_in=-days * DAY, capacity=3, series=series)
        for name, days in (("m1", 28), ("m2", 21), ("m3", 14), ("m4", 7))
    }
    for person in (p1, p2, p3, p4, p5):
        _answer(m["m1"], person)  # p4 and p5 wait
    _answer(m["m1"], p5, "declined")
    _check_in(m["m1"], p1, p2, guest="A visitor")
    for person in (p1, dee, p3, p4):
        _answer(m["m2"], person)  # p4 waits
    _answer(m["m2"], p3, "declined")  # p4 gets the seat
    _check_in(m["m2"], p1, dee, p4)
    for person in (p1, p2):
        _answer(m["m3"], person)
    m["m3"].status = EventStatus.CANCELLED
    db.session.commit()
    for person in (p1, p2, p6):
        _answer(m["m4"], person)
    _check_in(m["m4"], p1)
    case = make_event(otto, title="Case conference", starts_in=-3 * DAY, co_organizers=[olga])
    for person in (p1, p2):
        _answer(case, person)
    _check_in(case, p2)
    # As the migration leaves an event answered before peaks were kept.
    db.session.execute(sa.update(Event).where(Event.id == case.id).values(waitlist_peak_complete=False))
    db.session.commit()
    drinks = make_event(olga, title="Welcome drinks", starts_in=10 * DAY, capacity=1)
    for person in (p1, p2):
        _answer(drinks, person)
    club = make_event(otto, title="Otto's club", starts_in=-5 * DAY)
    _answer(club, p3)
    old = make_event(olga, title="Last year's rounds", starts_in=-400 * DAY)
    _answer(old, p1)
    delete_account(db.session, dee, DEFAULT_PASSWORD)
    db.session.commit()
    events = {**m, "case": case, "drinks": drinks, "club": club, "old": old}
    return Cohort(olga, otto, series.id, {name: event.id for name, event in events.items()})


def more_meetings(cohort: Cohort, count: int) -> None:
    """More of the series' meetings, each with three people and a waitlist,
    and one-off events: for the cost, which must not grow."""
    olga = db.session.get(type(cohort.olga), cohort.olga.id)
    series = db.session.get(Series, cohort.series_id)
    for n in range(count):
        extra = make_event(olga, title="Morning report", starts_in=-(30 + n) * DAY, capacity=2, series=series)
        single = make_event(olga, title=f"Extra event {n}", starts_in=-(2 + n) * DAY)
        for person in [make_user(f"Extra {n}.{k}") for k in range(3)]:
            _answer(extra, person)
            _answer(single, person)
            _check_in(extra, person)
