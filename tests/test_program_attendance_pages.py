"""Attendance records and requirements through HTTP: the member's page and
certificates, the coordinator's tab with its CSV and form, and the cost in
queries. The year is set to have begun 100 days ago, so that the hand-counted
cohort (tests/attendance_cohort.py) lies in it whatever today is."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventsapp.events.models import Series
from eventsapp.extensions import db
from eventsapp.timeutil import utcnow
from tests import attendance_cohort
from tests.factories import make_user
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

ZONE = ZoneInfo(attendance_cohort.ZONE)


def _first_day():
    first = datetime.now(ZONE).date() - timedelta(days=100)
    return first - timedelta(days=1) if (first.month, first.day) == (2, 29) else first


@pytest.fixture
def app(make_app):
    app = make_app(PROGRAM_YEAR_START=_first_day().strftime("%m-%d"))
    with app.app_context():
        yield app


@pytest.fixture
def cohort(app):
    start = datetime.combine(_first_day(), time(0), ZONE)
    return attendance_cohort.build(start, utcnow())


def test_a_coordinator_sees_who_in_their_departments_is_below_a_requirement(client, cohort):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/attendance").get_data(as_text=True)
    assert "3 of 6 below their requirement" in page
    assert "Residents and interns in Cardiology ward" in page
    assert page.count('class="row-below"') == 3 and page.count(">Below</span>") == 3
    assert "2 of 5" in page and "Hal" not in page and ">Dee<" not in page
    csv = client.get("/program/attendance.csv").get_data(as_text=True).splitlines()
    assert csv[0] == "Series,Required (%),Name,Held,Attended,Share (%),Below"
    assert "Grand Rounds,70,Ben,5,2,40,yes" in csv and "Grand Rounds,70,Ada,5,4,80," in csv
    assert "Morbidity and Mortality,50,Cy,1,1,100," in csv and len(csv) == 7


def test_an_admin_sees_the_whole_hospital(client, cohort):
    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/attendance").get_data(as_text=True)
    assert "5 of 8 below their requirement" in page and "Hal" in page


def test_a_coordinator_sets_changes_and_removes_a_requirement(client, cohort):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty")))
    page = client.get("/program/attendance").get_data(as_text=True)
    assert "Journal Club</option>" in page and "Grand Rounds (70% required)</option>" in page
    response = client.post("/program/attendance", data={"series_id": cohort.club.id, "percent": "60"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Series, cohort.club.id).required_percent == 60
    assert "Journal Club,60,Ada,1,1,100," in client.get("/program/attendance.csv").get_data(as_text=True)
    refused = client.post("/program/attendance", data={"series_id": cohort.club.id, "percent": "0"})
    assert refused.status_code == 422 and "from 1 to 100%" in refused.get_data(as_text=True)
    client.post("/program/attendance", data={"series_id": cohort.rounds.id, "percent": ""})
    db.session.expire_all()
    assert db.session.get(Series, cohort.rounds.id).required_percent is None
    assert db.session.get(Series, cohort.club.id).required_percent == 60


def test_a_resident_sees_their_own_share_and_the_events_they_attended(client, cohort):
    log_in(client, cohort.people["ben"])
    page = client.get("/attendance/").get_data(as_text=True)
    assert "Grand Rounds: you attended 2 of 5 (40%); 70% is required." in page
    assert "Morbidity and Mortality: you attended 0 of 2 (0%); 50% is required." in page
    assert page.count(">Below</span>") == 2
    assert page.count("Certificate (PDF)") == 3  # two rounds and the journal club


def test_the_events_attended_are_grouped_by_academic_year(client, cohort):
    log_in(client, cohort.people["ada"])
    page = client.get("/attendance/").get_data(as_text=True)
    first = _first_day().year
    assert f">{first}–{first + 1}</h2>" in page and f">{first - 1}–{first}</h2>" in page
    assert page.index(f">{first}–{first + 1}</h2>") < page.index(f">{first - 1}–{first}</h2>")


def test_an_attending_sees_their_events_but_no_requirement(client, cohort):
    log_in(client, cohort.people["dee"])
    page = client.get("/attendance/").get_data(as_text=True)
    assert "Required series" not in page and page.count("Certificate (PDF)") == 5


def test_a_member_downloads_a_certificate_only_for_an_event_they_attended(client, cohort):
    log_in(client, cohort.people["ben"])
    response = client.get(f"/attendance/{cohort.meetings['gr1'].id}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert b"Ben" in response.data and b"Grand Rounds" in response.data and b"Olu Organizer" in response.data
    assert response.data == client.get(f"/attendance/{cohort.meetings['gr1'].id}/certificate.pdf").data
    assert client.get(f"/attendance/{cohort.meetings['gr15'].id}/certificate.pdf").status_code == 404
    assert client.get("/attendance/2147483647/certificate.pdf").status_code == 404


def test_my_events_and_my_profile_lead_to_the_attendance_page(client, cohort):
    log_in(client, cohort.people["ada"])
    assert 'href="/attendance/"' in client.get("/events?scope=mine").get_data(as_text=True)
    assert 'href="/attendance/"' in client.get(f"/people/{cohort.people['ada'].id}").get_data(as_text=True)


def _cost(client, path) -> int:
    with counting(db.engine) as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def _more_people(cohort, n):
    for i in range(n):
        person = make_user(f"Extra {i}", department=cohort.cardiology)
        person.created_at = cohort.people["ada"].created_at
    db.session.commit()


@pytest.mark.parametrize("path", ["/program/attendance", "/program/attendance.csv", "/attendance/"])
def test_attendance_pages_cost_the_same_for_many_rows(client, cohort, path):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    if path == "/attendance/":
        log_in(client, cohort.people["ada"])
    few = _cost(client, path)
    _more_people(cohort, 12)
    start = datetime.combine(_first_day(), time(0), ZONE)
    attendance_cohort.build(start, utcnow(), (cohort.cardiology, cohort.surgery))  # twice the series and people
    many = _cost(client, path)
    assert few == many and many <= 8, (few, many)


def test_the_demo_coordinator_sees_who_is_below_the_grand_rounds_requirement(runner, client, session):
    import re

    import sqlalchemy as sa

    from eventsapp.accounts.models import User

    runner.invoke(args=["seed-demo"])
    session.rollback()
    grace = session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
    log_in(client, grace)
    page = client.get("/program/attendance").get_data(as_text=True)
    # Who came is drawn at random (seeded) from the days' calendar: the counts vary, not their presence.
    below, listed = (int(n) for n in re.search(r"(\d+) of (\d+) below their requirement", page).groups())
    assert listed > 0 and page.count(">Below</span>") == below and "Internal Medicine Grand Rounds" in page
    maya = session.scalar(sa.select(User).where(User.email == "intern@riverside.example"))
    log_in(client, maya)
    assert "Internal Medicine Grand Rounds: you attended" in client.get("/attendance/").get_data(as_text=True)
