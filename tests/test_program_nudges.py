"""Nudging interns to reach: what the intern receives, what the list then
shows, the 7 days' rest, the department limit, and asking before many."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.notifications.models import Notification, OutboxMail
from eventsapp.program.coordinators import Scope
from eventsapp.program.models import Nudge
from eventsapp.program.reach import interns_to_reach
from tests import program_cohort
from tests.factories import make_user
from tests.lifecycle_checks import notices_and_mails_to
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator, pin_clock
from tests.test_query_counts import counting


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Nudges are sent, and the list read, at the hand-counted cohort's moment."""
    pin_clock(monkeypatch)


def _mails_to(person):
    return db.session.scalars(sa.select(OutboxMail).where(OutboxMail.user_id == person.id)).all()


def test_a_nudge_brings_a_notice_and_a_mail_with_suggestions_and_the_list_says_who_sent_it(client, app):
    cohort = program_cohort.build()
    make_user("Tom Tutor", stage="attending", open_to_interns=True, interests=["Cardiology"])
    cy = cohort.people["cy"]
    log_in(client, make_coordinator(make_user("Cora Coord", stage="faculty"), cohort.cardiology))
    response = client.post(f"/program/reach/{cy.id}/nudge", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Nudged Cy" in page and "Nudged on" in page and "by Cora Coord" in page
    notice = db.session.scalar(sa.select(Notification).where(Notification.user_id == cy.id))
    assert notice.link == "/people"
    assert len(_mails_to(cy)) == 1
    told = notices_and_mails_to([cy.email])
    assert "Tom Tutor" in told and "http://localhost/people" in told
    assert "To stop emails about changes to events you answered, your introductions and mentorships" in told


def test_an_intern_is_not_nudged_twice_within_seven_days(client, app):
    cohort = program_cohort.build()
    cy = cohort.people["cy"]
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    client.post(f"/program/reach/{cy.id}/nudge")
    page = client.post(f"/program/reach/{cy.id}/nudge", follow_redirects=True).get_data(as_text=True)
    assert "Not nudged again: Cy had a nudge within the last 7 days." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 1
    assert len(_mails_to(cy)) == 1


def test_a_coordinator_cannot_nudge_an_intern_of_another_department(client, app):
    cohort = program_cohort.build()
    hal = cohort.people["hal"]
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.post(f"/program/reach/{hal.id}/nudge", follow_redirects=True).get_data(as_text=True)
    assert "You can nudge only interns listed under Interns to reach, in the departments you follow." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 0
    assert _mails_to(hal) == []


def test_an_intern_who_has_a_mentor_is_not_nudged_to_find_one(client, app):
    cohort = program_cohort.build()
    ada = cohort.people["ada"]  # in an active mentorship: not on the list
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.post(f"/program/reach/{ada.id}/nudge", follow_redirects=True).get_data(as_text=True)
    assert "You can nudge only interns listed under Interns to reach" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 0
    assert _mails_to(ada) == []


def test_nudging_everyone_asks_first_then_nudges_each_intern_listed(client, app):
    cohort = program_cohort.build()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    listed = interns_to_reach(db.session, Scope(frozenset({cohort.cardiology.id})), program_cohort.NOW)
    assert {"Cy", "Dee", "Eve", "Ned"} <= {p.name for p in listed}
    confirm = client.get("/program/reach/nudge-all").get_data(as_text=True)
    assert f"{len(listed)} interns of the {len(listed)} listed will get a notice" in confirm
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Nudge)) == 0
    client.post("/program/reach/nudge-all")
    nudged = set(db.session.scalars(sa.select(Nudge.intern_id)))
    assert nudged == {p.user_id for p in listed}
    again = client.get("/program/reach/nudge-all").get_data(as_text=True)
    assert "Nobody listed is due a nudge" in again


def test_the_list_of_interns_to_reach_with_nudges_costs_the_same_for_more_interns(client, app):
    cohort = program_cohort.build()
    log_in(client, make_user("Adam", role="admin"))
    client.post("/program/reach/nudge-all")
    with counting(db.engine) as few:
        client.get("/program/reach")
    for n in range(6):
        make_user(f"Quiet {n}", department=cohort.cardiology).created_at = program_cohort.day(-40)
    db.session.commit()
    client.post("/program/reach/nudge-all")
    with counting(db.engine) as many:
        client.get("/program/reach")
    assert len(many) == len(few)
