"""Events that make introductions, on a small world where every figure is
counted by hand: who went (checked in, or going where nobody checked in),
which requests fall in the 7 days, which meetings were logged at an event,
per event and per series, each coordinator's departments, and the cost."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.accounts.privacy import delete_account
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.events.models import EventStatus, Series
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships.models import Meeting, Mentorship, Place
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_department, make_event, make_rsvp, make_user
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

DAY = timedelta(days=1)


@pytest.fixture
def year_began_60_days_ago(app):
    """The academic year begins about 60 days before today, whatever today is."""
    began = date.today() - 60 * DAY
    app.config["PROGRAM_YEAR_START"] = f"{began.month:02d}-{min(began.day, 28):02d}"


@dataclass
class World:
    cardiology: object
    surgery: object
    events: dict


def _went(event, *people, checked_in=()):
    for person in people:
        make_rsvp(event, person)
    for person in checked_in:
        db.session.add(CheckIn(event_id=event.id, user_id=person.id, method=CheckInMethod.ORGANIZER))
    db.session.commit()


def _ask(intern, days_ago):
    """A request to a senior of its own (one request per pair)."""
    at = utcnow() - days_ago * DAY
    request = IntroRequest(
        requester_id=intern.id,
        senior_id=make_user(stage="attending").id,
        status=RequestStatus.PENDING,
        created_at=at,
        expires_at=at + 14 * DAY,
    )
    db.session.add(request)
    db.session.flush()
    return request


def build() -> World:
    cardiology, surgery = make_department("Cardiology ward"), make_department("Surgery ward")
    organizer = make_user("Olga Organizer", role="organizer", stage="faculty")
    senior = make_user("Sam Senior", stage="attending")
    i1, i2, i3 = (make_user(name, department=cardiology) for name in ("Ann", "Bob", "Cat"))
    i4 = make_user("Dan", department=surgery)
    series = Series(frequency="weekly", interval=1, until=date.today(), timezone="UTC", starts_at=utcnow() - 20 * DAY)
    db.session.add(series)

    def event(title, days, department=None, **fields):
        return make_event(organizer, title=title, starts_in=days * DAY, department=department, **fields)

    e = {
        "a": event("Rounds A", -20, cardiology, series=series),
        "a2": event("Rounds A2", -13, cardiology, series=series),
        "b": event("Hospital social B", -10),
        "c": event("Surgery club C", -15, surgery),
        "cancelled": event("Cancelled D", -5, cardiology, status=EventStatus.CANCELLED),
        "coming": event("Coming E", 5, cardiology),
        "last_year": event("Last year F", -100, cardiology),
    }
    # Eva went to A, was checked in and asked within its week, then deleted
    # her account: A's figures leave her out, as counted below.
    eva = make_user("Eva", department=cardiology)
    _went(e["a"], i1, i2, i3, senior, eva, checked_in=(i1, i2, eva))
    db.session.add(CheckIn(event_id=e["a"].id, guest_name="A visitor", method=CheckInMethod.ORGANIZER))
    _went(e["a2"], i2, checked_in=(i2,))
    _went(e["b"], i1, i2)  # nobody checked in: those going went
    _went(e["c"], i4, checked_in=(i4,))
    for name in ("cancelled", "coming", "last_year"):
        _went(e[name], i1, checked_in=(i1,))
    _ask(i1, 21)  # before A began
    asked = _ask(i1, 18)  # A (checked in)
    _ask(i3, 17)  # going to A, not checked in where others were: counts nowhere
    _ask(i2, 9)  # A2 (checked in) and B (going, no check-ins); past A's 7 days
    _ask(i4, 14)  # C
    _ask(i4, 12)  # C
    _ask(eva, 18)  # A (checked in), gone with her account
    mentorship = Mentorship(intro_request_id=asked.id, intern_id=i1.id, mentor_id=asked.senior_id)
    db.session.add(mentorship)
    db.session.flush()
    db.session.add(Meeting(mentorship_id=mentorship.id, met_on=date.today(), place=Place.EVENT, event_id=e["a"].id))
    db.session.commit()
    db.session.execute(sa.delete(User).where(User.id == eva.id))
    db.session.commit()
    return World(cardiology, surgery, e)


def _rows(page: str, heading: str) -> list[list[str]]:
    """The table under `heading` as rows of cell texts."""
    import re

    table = page.split(heading, 1)[1].split("</table>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    ]


def _without_dates(rows):
    return [[row[0], *row[2:]] for row in rows]


def test_a_coordinator_sees_the_events_of_their_departments_and_of_none_ranked(client, year_began_60_days_ago):
    world = build()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), world.cardiology))
    page = client.get("/program/events").get_data(as_text=True)
    assert _without_dates(_rows(page, 'id="by-event"')) == [
        # Ann, Bob, Cat, Sam and Eva's answer (kept when she left); Ann, Bob and
        # Eva's check-in (kept, anonymised); Ann's request (Eva's left with her).
        ["Rounds A", "5", "60%", "1", "1"],
        ["Hospital social B", "2", "—", "1", "0"],  # fewer than 5 going: no show rate
        ["Rounds A2", "1", "—", "1", "0"],
    ]
    assert _rows(page, 'id="by-series"') == [["Rounds A", "2", "6", "67%", "2", "1"]]
    assert "Surgery club C" not in page and "Cancelled D" not in page and "Coming E" not in page
    assert "Last year F" not in page


def test_a_coordinator_counts_the_introductions_of_their_own_interns_only(client, year_began_60_days_ago):
    world = build()
    eli = make_user("Eli", department=world.surgery)
    _went(world.events["b"], eli)
    _ask(eli, 9)  # within B's week: a surgery intern's request
    db.session.commit()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), world.cardiology))
    rows = _without_dates(_rows(client.get("/program/events").get_data(as_text=True), 'id="by-event"'))
    assert ["Hospital social B", "3", "—", "1", "0"] in rows  # Bob's, not Eli's
    log_in(client, make_user("Adam", role="admin"))
    rows = _without_dates(_rows(client.get("/program/events").get_data(as_text=True), 'id="by-event"'))
    assert ["Hospital social B", "3", "0%", "2", "0"] in rows


def test_an_admin_sees_every_department(client, year_began_60_days_ago):
    build()
    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/events").get_data(as_text=True)
    assert [row[0] for row in _rows(page, 'id="by-event"')] == [
        "Surgery club C",
        "Rounds A",
        "Hospital social B",
        "Rounds A2",
    ]
    assert _without_dates(_rows(page, 'id="by-event"'))[0] == ["Surgery club C", "1", "100%", "2", "0"]


def test_the_lists_download_as_csv(client, year_began_60_days_ago):
    build()
    log_in(client, make_user("Adam", role="admin"))
    events = client.get("/program/events.csv")
    assert events.mimetype == "text/csv" and "attachment" in events.headers["Content-Disposition"]
    lines = events.get_data(as_text=True).splitlines()
    assert lines[0] == "Event,Starts,Going,Show rate (%),Introductions within 7 days,Meetings logged at it"
    assert lines[1].startswith("Surgery club C,") and lines[1].endswith(",1,100,2,0")
    series = client.get("/program/series.csv").get_data(as_text=True).splitlines()
    assert series[1] == "Rounds A,2,6,67,2,1"


def test_a_member_who_went_and_then_deleted_their_account_still_counts_as_shown(client, year_began_60_days_ago):
    """Their answer stays counted as going; their check-in stays counted as came."""
    world = build()
    bob = db.session.get(
        CheckIn, db.session.scalars(sa.select(CheckIn.id).where(CheckIn.event_id == world.events["a2"].id)).one()
    ).user
    delete_account(db.session, bob, DEFAULT_PASSWORD)
    db.session.commit()
    log_in(client, make_user("Adam", role="admin"))
    rows = _without_dates(_rows(client.get("/program/events").get_data(as_text=True), 'id="by-event"'))
    assert ["Rounds A2", "1", "100%", "0", "0"] in rows  # his request went with his account


def test_an_empty_year_says_what_the_page_will_show(client, year_began_60_days_ago):
    log_in(client, make_user("Adam", role="admin"))
    assert "No event has taken place here since the year began" in client.get("/program/events").get_data(as_text=True)


def test_the_page_costs_the_same_for_more_events(client, year_began_60_days_ago):
    world = build()
    log_in(client, make_user("Adam", role="admin"))
    with counting(db.engine) as few:
        client.get("/program/events")
    people = [make_user(f"Extra {n}", department=world.cardiology) for n in range(4)]
    for n in range(12):
        extra = make_event(title=f"Extra {n}", starts_in=-(n + 1) * DAY, department=world.cardiology)
        _went(extra, *people, checked_in=people[:2])
    with counting(db.engine) as many:
        client.get("/program/events")
    assert len(many) == len(few)


def test_the_page_and_the_nudge_question_are_accessible_in_structure(client, year_began_60_days_ago):
    from tests.a11y import problems

    build()
    log_in(client, make_user("Adam", role="admin"))
    for url in ("/program/events", "/program/reach", "/program/reach/nudge-all"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url
