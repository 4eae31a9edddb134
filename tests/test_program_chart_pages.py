"""The program pages' charts through HTTP, on the hand-counted cohorts:
each page shows its chart as an image with a text alternative beside its
table, the image is SVG under its own strict policy, a coordinator limited
to departments is drawn only their figures, and a hidden count stays hidden
in the picture too."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.events.models import Series
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.timeutil import utcnow
from tests import attendance_cohort, demand_cohort, program_cohort
from tests import test_program_events as events_world
from tests.factories import make_department, make_event, make_rsvp, make_user
from tests.program_cohort import NOW
from tests.security_routes import log_in
from tests.test_program_charts import texts
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

CHARTS = ["/program/funnel.svg", "/program/demand.svg", "/program/events.svg", "/program/attendance.svg"]


def svg_of(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml", path
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_data()


def figures(client, path: str, prefix: str) -> list[str]:
    return texts(ET.fromstring(svg_of(client, path)), prefix)


def image(page: str, path: str) -> str:
    """The <picture> of the chart drawn at `path`, with its phone source."""
    (found,) = re.findall(rf"<picture>\s*<source[^>]*{re.escape(path)}\?size=phone[^>]*>\s*<img[^>]*>", page)
    return found


@pytest.mark.parametrize("path", CHARTS)
def test_every_chart_answers_an_admin_at_both_sizes_even_with_nothing_to_draw(client, app, path):
    log_in(client, make_user("Adam", role="admin", stage="attending"))
    assert svg_of(client, path) == svg_of(client, path)
    assert b"<svg" in svg_of(client, path + "?size=phone")


def test_the_funnel_chart_draws_a_coordinators_interns_only(client, app):
    cohort = program_cohort.build()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/").get_data(as_text=True)
    assert 'alt="A bar chart of the interns at each step' in image(page, "/program/funnel.svg")
    assert "the table below holds the same numbers" in page
    assert figures(client, "/program/funnel.svg", "step-label")[0] == "9 (100%)"  # as the table: Hal aside
    csv = client.get("/program/funnel.csv")
    assert csv.mimetype == "text/csv" and "attachment" in csv.headers["Content-Disposition"]
    lines = csv.get_data(as_text=True).split("\r\n")
    assert lines[:2] == ["Step,Interns,Of those registered (%),Of the step before (%)", "Interns registered,9,100,"]
    log_in(client, make_user("Adam", role="admin", stage="attending"))
    assert figures(client, "/program/funnel.svg", "step-label")[0] == "10 (100%)"


@pytest.fixture
def demand(app, monkeypatch):
    monkeypatch.setattr("eventsapp.web.program.utcnow", lambda: NOW)
    monkeypatch.setattr("eventsapp.web.program_charts.utcnow", lambda: NOW)
    return demand_cohort.build()


def test_the_demand_chart_never_tells_a_hidden_count(client, demand):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), demand.cardiology))
    page = client.get("/program/demand").get_data(as_text=True)
    assert "hatched bar marked fewer than 5" in image(page, "/program/demand.svg")
    assert figures(client, "/program/demand.svg", "interns-label") == ["6", "1"]  # the table's interns
    assert figures(client, "/program/demand.svg", "room-label") == ["fewer than 5", "5"]
    before = svg_of(client, "/program/demand.svg")
    # One more cardiologist with room: 2 become 3, still under 5, and the picture does not move.
    make_user("Nina", stage="attending", open_to_interns=True, interests=["Cardiology"])
    db.session.commit()
    assert svg_of(client, "/program/demand.svg") == before
    log_in(client, make_user("Adam", role="admin", stage="attending"))
    assert figures(client, "/program/demand.svg", "room-label") == ["3", "5"]


def test_the_events_chart_draws_the_events_that_led_to_introductions(client, app):
    began = date.today() - timedelta(days=60)
    app.config["PROGRAM_YEAR_START"] = f"{began.month:02d}-{min(began.day, 28):02d}"
    world = events_world.build()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), world.cardiology))
    page = client.get("/program/events").get_data(as_text=True)
    assert "the 3 events that led to the most introductions" in image(page, "/program/events.svg")
    root = ET.fromstring(svg_of(client, "/program/events.svg"))
    assert texts(root, "row-label") == ["1", "1", "1"]
    words = "".join(root.itertext())
    assert all(title in words for title in ("Rounds A", "Hospital social B", "Rounds A2"))
    assert "Surgery club C" not in words  # another department's
    log_in(client, make_user("Adam", role="admin", stage="attending"))
    assert figures(client, "/program/events.svg", "row-label") == ["2", "1", "1", "1"]


def test_the_attendance_chart_counts_everyone_listed_against_each_requirement(client, app):
    zone = ZoneInfo(attendance_cohort.ZONE)
    first = datetime.now(zone).date() - timedelta(days=100)
    first -= timedelta(days=1) if (first.month, first.day) == (2, 29) else timedelta(0)
    app.config["PROGRAM_YEAR_START"] = first.strftime("%m-%d")
    cohort = attendance_cohort.build(datetime.combine(first, time(0), zone), datetime.now(zone))
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/attendance").get_data(as_text=True)
    assert "against the requirement" in image(page, "/program/attendance.svg")
    root = ET.fromstring(svg_of(client, "/program/attendance.svg"))
    rows = client.get("/program/attendance.csv").get_data(as_text=True).splitlines()[1:]
    for number, series in enumerate(("Grand Rounds", "Morbidity and Mortality"), start=1):
        drawn = sum(int(t) for t in texts(root, f"band-label-{number}") if t)
        assert drawn == sum(1 for row in rows if row.startswith(f"{series},"))
    assert "Grand Rounds: 70% required" in "".join(root.itertext())


def _grow(n: int, department, series) -> None:
    """n more interns, each interested, asking a colleague with room after
    going to a meeting of the required series, checked in."""
    for i in range(n):
        intern = make_user(department=department, interests=["Oncology"], stage="resident" if i % 2 else "intern")
        senior = make_user(stage="attending", open_to_interns=True, interests=["Oncology"])
        event = make_event(title=f"Oncology rounds {i}", starts_in=-timedelta(days=i + 1), series=series)
        make_rsvp(event, intern)
        db.session.add(CheckIn(event_id=event.id, user_id=intern.id, method=CheckInMethod.ORGANIZER))
        at = utcnow() - timedelta(hours=i + 1)
        db.session.add(
            IntroRequest(
                requester_id=intern.id,
                senior_id=senior.id,
                status=RequestStatus.PENDING,
                created_at=at,
                expires_at=at + timedelta(days=14),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("path", CHARTS)
def test_a_chart_costs_the_same_for_many_rows(client, app, path):
    began = date.today() - timedelta(days=60)
    app.config["PROGRAM_YEAR_START"] = f"{began.month:02d}-{min(began.day, 28):02d}"
    department = make_department("Oncology ward")
    series = Series(frequency="weekly", interval=1, until=date.today(), timezone="UTC", starts_at=utcnow())
    series.required_percent = 70
    db.session.add(series)
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), department))

    def cost() -> int:
        with counting(db.engine) as statements:
            svg_of(client, path)
        return len(statements)

    _grow(2, department, series)
    few = cost()
    _grow(12, department, series)
    many = cost()
    assert few == many <= 5, (few, many)  # the account, the scope, the figures
