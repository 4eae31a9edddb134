"""Unmet demand against the hand-counted cohort (tests/demand_cohort.py):
the figures, what a coordinator limited to departments may see of the rest
of the hospital, the page, the download and the cost in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest
from eventsapp.program.coordinators import Scope
from eventsapp.program.demand import unmet_demand
from eventsapp.program.privacy import FEWER, shown
from eventsapp.timeutil import utcnow
from tests import demand_cohort
from tests.factories import make_department, make_user
from tests.program_cohort import NOW, START
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

SURGERY = demand_cohort.SURGERY


@pytest.fixture
def cohort(app, monkeypatch):
    # The pages count at the cohort's moment, as the services do here.
    monkeypatch.setattr("eventsapp.web.program.utcnow", lambda: NOW)
    return demand_cohort.build()


def table(rows):
    return [(r.name, r.interns, str(r.with_room), r.declined, r.expired) for r in rows]


def test_the_whole_hospital_sees_every_count_exactly(session, cohort):
    demand = unmet_demand(session, Scope(None), start=START, now=NOW)
    assert table(demand.specialties) == [
        # Ada, Ben, Cy, Eve, Gus, Jo and Hal; Sara (6 of 10 taken) and Rita: not Fred (full),
        # Sam (interests hidden) or Cleo (not open); Cy's and Hal's declined, Ned's past its date
        # (not Lou's, a resident now, nor Max's, gone).
        ("Cardiology", 7, "2", 2, 1),
        # Lea; five surgeons (one with a request waiting, still room); Ada's expired.
        (SURGERY, 1, "5", 0, 1),
    ]
    assert [(r.name, r.interns, str(r.with_room)) for r in demand.kinds] == [
        ("Clinical challenges", 0, "5"),
        ("Career and specialty choice", 2, "1"),  # Ada and Lea; Rita (Fred full, Sam hidden)
        ("Emotional support and work-life balance", 0, "0"),
        ("Networking and opportunities (research, conferences)", 0, "0"),
        ("Still exploring specialties", 1, "None"),  # Lea; nobody offers it
    ]
    assert [(r.name, r.interns, str(r.with_room)) for r in demand.recruit] == [("Cardiology", 7, "2")]


def test_a_coordinator_of_a_department_counts_their_interns_and_sees_few_colleagues_as_fewer_than_5(session, cohort):
    demand = unmet_demand(session, Scope(frozenset({cohort.cardiology.id})), start=START, now=NOW)
    assert table(demand.specialties) == [
        ("Cardiology", 6, FEWER, 1, 1),  # not Hal, nor his declined request
        (SURGERY, 1, "5", 0, 1),  # 5 is shown
    ]
    assert [str(r.with_room) for r in demand.kinds] == ["5", FEWER, FEWER, FEWER, "None"]
    assert [r.name for r in demand.recruit] == ["Cardiology"]  # 6 interns outnumber any count under 5


def test_where_to_recruit_ranks_the_widest_gap_first_and_says_no_more_than_the_table():
    from eventsapp.program.demand import Row, where_to_recruit

    rows = [
        Row("Neurology", 3, shown(1, exact=False), 0, 0),  # could be 4: not listed
        Row("Cardiology", 9, shown(2, exact=False), 0, 0),  # at least 5 short
        Row("Oncology", 12, shown(3, exact=True), 0, 0),  # 9 short
        Row("Geriatrics", 5, shown(5, exact=False), 0, 0),  # none short
    ]
    assert [r.name for r in where_to_recruit(rows)] == ["Oncology", "Cardiology"]


def test_the_page_lists_where_to_recruit_and_hides_small_counts(client, cohort):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/demand").get_data(as_text=True)
    assert "<strong>Cardiology</strong>: 6 interns interested, fewer than 5 colleagues with room" in page
    assert '<td data-label="Colleagues with room">fewer than 5</td>' in page
    assert all(name not in page for name in ("Rita", "Fred", "Sara", "Lea", "Hal", "Private words"))
    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/demand").get_data(as_text=True)
    assert "<strong>Cardiology</strong>: 7 interns interested, 2 colleagues with room" in page


def test_the_download_holds_the_same_figures(client, cohort):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    response = client.get("/program/demand.csv")
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "private, no-store"
    lines = response.get_data(as_text=True).split("\r\n")
    assert lines[0].startswith("Specialty or kind of help,Interns looking for it,Colleagues offering it with room")
    assert lines[1] == "Cardiology,6,fewer than 5,1,1,1"
    assert lines[2] == f"{SURGERY},1,5,0,1,"
    assert lines[7] == "Still exploring specialties,1,,,,"


def test_the_page_is_accessible_in_structure_and_says_what_to_do_when_empty(client, app):
    from tests.a11y import problems

    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/demand").get_data(as_text=True)
    assert problems(page) == [] and "Nowhere to recruit for now" in page
    assert 'aria-current="page">Unmet demand' in page


def _grow(n: int, department):
    """n more interns interested and asking, and n more colleagues offering."""
    for i in range(n):
        senior = make_user(stage="attending", open_to_interns=True, interests=["Oncology"], helps=["support"])
        intern = make_user(department=department, interests=["Oncology", "Neurology"], helps=["support"])
        demand_cohort.program_cohort._ask(intern, senior, NOW, "declined" if i % 2 else "pending")
    db.session.commit()


@pytest.mark.parametrize("path", ["/program/demand", "/program/demand.csv"])
def test_unmet_demand_costs_the_same_for_many_rows(client, app, path):
    department = make_department("Oncology ward")
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), department))

    def cost() -> int:
        with counting(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    _grow(2, department)
    few = cost()
    _grow(12, department)
    many = cost()
    assert few == many <= 6, (few, many)  # the account, the scope, three figures, the departments


def test_no_program_page_shows_a_coordinator_anyone_outside_their_departments_or_private_words(client, app, cohort):
    """Every program route, present and future: a coordinator limited to a
    department reads no name of an intern elsewhere and no private text."""
    cohort.people["hal"].name = "Halvard Elsewhere"
    cohort.people["ivy"].name = "Ivy Resident"
    db.session.commit()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    paths = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("program.") and not rule.arguments and "GET" in rule.methods
    ]
    assert {"/program/", "/program/reach", "/program/demand", "/program/demand.csv"} <= set(paths)
    for path in paths:
        body = client.get(path).get_data(as_text=True)
        for secret in ("Halvard Elsewhere", "Ivy Resident", "Rita", "Private words", "@hospital.example"):
            assert secret not in body, (path, secret)


def test_the_demo_coordinator_sees_declines_and_expiries_in_internal_medicine(app, runner, client, session):
    from eventsapp.accounts.models import User

    # A year begun well before the demo's requests, whatever today's date.
    begun = (utcnow().date().replace(day=1) - timedelta(days=40)).replace(day=1)
    app.config["PROGRAM_YEAR_START"] = begun.strftime("%m-%d")
    runner.invoke(args=["seed-demo"])
    session.rollback()
    grace = session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
    log_in(client, grace)
    lines = client.get("/program/demand.csv").get_data(as_text=True).split("\r\n")
    (cardiology,) = [line for line in lines if line.startswith("Cardiology,")]
    assert cardiology.endswith(",2,1,")  # two declined, one expired, by cardiologists
    assert "Last request declined or expired" in client.get("/program/reach").get_data(as_text=True)
    runner.invoke(args=["seed-demo"])  # again: nothing twice
    assert session.scalar(sa.select(sa.func.count()).where(IntroRequest.status == "declined")) == 2
