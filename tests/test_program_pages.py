"""The program pages and the admin's coordinator list, through HTTP: who
gets in, what each sees of which department, the downloads, and the cost
in queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.program.models import Coordinator, coordinator_department
from eventsapp.timeutil import utcnow
from tests import program_cohort
from tests.factories import make_department, make_user
from tests.security_routes import log_in
from tests.test_query_counts import counting


def make_coordinator(person, *departments):
    db.session.add(Coordinator(user_id=person.id, granted_at=utcnow(), whole_hospital=not departments))
    db.session.flush()
    for department in departments:
        db.session.execute(sa.insert(coordinator_department).values(user_id=person.id, department_id=department.id))
    db.session.commit()
    return person


@pytest.fixture
def cohort(app, monkeypatch):
    pin_clock(monkeypatch)
    return program_cohort.build()


def pin_clock(monkeypatch, moment=program_cohort.NOW):
    """The pages count at the hand-counted cohort's moment, whatever today is."""
    monkeypatch.setattr("eventsapp.web.program.utcnow", lambda: moment)


def test_a_coordinator_sees_the_interns_of_their_departments_only(client, cohort):
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/").get_data(as_text=True)
    assert "Interns in Cardiology ward" in page
    assert '<td data-label="Interns">9</td>' in page  # the hand-counted cohort, Hal aside
    reach = client.get("/program/reach").get_data(as_text=True)
    assert all(name in reach for name in ("Cy", "Dee", "Eve", "Ned"))
    assert "Hal" not in reach and "Private words" not in reach
    assert "@hospital.example" not in reach  # email addresses are for admins only


def test_a_coordinator_of_no_department_and_an_admin_see_the_whole_hospital(client, cohort):
    for person in (make_coordinator(make_user("Cora", stage="faculty")), make_user("Adam", role="admin")):
        log_in(client, person)
        page = client.get("/program/").get_data(as_text=True)
        assert "Interns in every department" in page
        assert '<td data-label="Interns">10</td>' in page


PAGES = ["/program/", "/program/weeks.csv", "/program/weeks.svg", "/program/reach", "/program/reach.csv"]


def test_a_coordinator_whose_departments_are_gone_sees_no_intern(client, cohort):
    coordinator = make_coordinator(make_user("Cora", stage="faculty"), cohort.surgery)
    db.session.execute(sa.delete(coordinator_department))  # as when a department row is deleted
    db.session.commit()
    log_in(client, coordinator)
    page = client.get("/program/").get_data(as_text=True)
    assert '<td data-label="Interns">0</td>' in page and "No department is yours" in page
    assert "Hal" not in client.get("/program/reach").get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_members_and_organizers_who_do_not_coordinate_are_refused(client, path):
    for person in (make_user(stage="intern"), make_user(role="organizer", stage="faculty")):
        log_in(client, person)
        assert client.get(path).status_code == 403
    log_in(client, None)
    assert client.get(path).status_code == 302


def test_the_navigation_offers_the_program_to_coordinators_only(client, app):
    member = make_user("Mo", stage="faculty")
    log_in(client, member)
    assert 'href="/program/"' not in client.get("/").get_data(as_text=True)
    make_coordinator(member)
    assert 'href="/program/"' in client.get("/").get_data(as_text=True)


def test_downloads_are_csv_with_formulas_kept_from_running(client, cohort):
    cohort.people["eve"].name = "@SUM(A1)"
    db.session.commit()
    log_in(client, make_user("Adam", role="admin"))
    weeks = client.get("/program/weeks.csv")
    assert weeks.mimetype == "text/csv" and "attachment" in weeks.headers["Content-Disposition"]
    assert weeks.get_data(as_text=True).startswith("Week,Up to,Interns,With a mentor,Share (%),Target (%)\r\n")
    reach = client.get("/program/reach.csv").get_data(as_text=True)
    assert "'@SUM(A1)" in reach and "Private words" not in reach
    assert weeks.headers["Cache-Control"] == "private, no-store"


def test_the_chart_is_an_svg_image_with_no_script_and_the_page_describes_it(client, cohort):
    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/").get_data(as_text=True)
    assert '<img src="/program/weeks.svg"' in page and "the table below holds the same numbers" in page
    response = client.get("/program/weeks.svg")
    svg = response.get_data(as_text=True)
    assert response.mimetype == "image/svg+xml" and "<svg" in svg
    assert "<script" not in svg and "Interns with a mentor" in svg and "Target" in svg
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script" not in policy


def test_program_pages_are_accessible_in_structure(client, cohort):
    from tests.a11y import problems

    log_in(client, make_user("Adam", role="admin"))
    for url in ("/program/", "/program/reach", "/admin/coordinators"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url


def test_an_admin_grants_and_takes_away_coordinator_rights(client, app):
    surgery = make_department("Surgery ward")
    make_user("Cora", email="cora@hospital.example", stage="faculty")
    log_in(client, make_user("Adam", role="admin"))
    response = client.post(
        "/admin/coordinators", data={"email": "Cora@hospital.example", "department_ids": [str(surgery.id)]}
    )
    assert response.status_code == 302
    page = client.get("/admin/coordinators").get_data(as_text=True)
    assert "Cora" in page and "Surgery ward" in page
    user_id = db.session.scalar(sa.select(Coordinator.user_id))
    assert client.post("/admin/coordinators", data={"email": "cora@hospital.example"}).status_code == 302
    assert "The whole hospital" in client.get("/admin/coordinators").get_data(as_text=True)
    assert client.post(f"/admin/coordinators/{user_id}/revoke").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(coordinator_department)) == 0


def test_granting_to_an_unknown_email_or_department_says_so(client, app):
    log_in(client, make_user("Adam", role="admin"))
    response = client.post("/admin/coordinators", data={"email": "nobody@hospital.example"})
    assert response.status_code == 422 and "No account has that email address." in response.get_data(as_text=True)
    make_user(email="cora@hospital.example")
    response = client.post("/admin/coordinators", data={"email": "cora@hospital.example", "department_ids": "999"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Coordinator)) == 0


def _grow(n: int, department):
    """n more interns at every step: asked, accepted, met, and not."""
    now = program_cohort.NOW
    senior = make_user(stage="attending", open_to_interns=True, intro_capacity=10)
    for i in range(n):
        intern = make_user(department=department, interests=["Cardiology"])
        intern.created_at = now - timedelta(days=60)
        request = program_cohort._ask(intern, senior, now - timedelta(days=50), "accepted", now)
        if i % 2:
            program_cohort._mentorship(request, now - timedelta(days=40))
        make_user(department=department)
    db.session.commit()


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_program_pages_cost_the_same_for_many_rows(client, app, monkeypatch, path):
    pin_clock(monkeypatch)
    department = make_department("Cardiology ward")
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), department))

    def cost() -> int:
        with counting(db.engine) as statements:
            assert client.get(path).status_code == 200
        return len(statements)

    _grow(2, department)
    few = cost()
    _grow(15, department)
    many = cost()
    assert few == many and many <= 8, (few, many)


def test_the_demo_coordinator_has_interns_to_reach_in_internal_medicine(runner, client, session):
    from eventsapp.accounts.models import User

    runner.invoke(args=["seed-demo"])
    session.rollback()
    grace = session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
    log_in(client, grace)
    page = client.get("/program/").get_data(as_text=True)
    assert "Interns in Internal Medicine" in page
    reach = client.get("/program/reach").get_data(as_text=True)
    assert "No request 30 days after registering" in reach
    runner.invoke(args=["seed-demo"])  # again: the grant is there once
    assert session.scalar(sa.select(sa.func.count()).select_from(coordinator_department)) == 1
