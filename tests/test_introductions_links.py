"""Mail about introductions links the introductions page in full, on the
site the member used (in a request) or on the configured site (the worker),
while the in-app notice keeps the page's path."""

from __future__ import annotations

import email
from email import policy

import pytest
import sqlalchemy as sa

from eventsapp import worker
from eventsapp.extensions import db
from eventsapp.notifications.models import Notification, OutboxMail
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.test_introductions_expiry import make_senior, overdue

SITE = "https://rounds.hospital.example"


@pytest.fixture
def on_site(client):
    """Requests to the site at SITE (its own host and scheme)."""

    def post(path, **data):
        return client.post(path, data=data, base_url=SITE)

    post.login = lambda email: post("/login", email=email, password=DEFAULT_PASSWORD)
    post.logout = lambda: post("/logout")
    return post


def mail_to(session, address: str, kind: str) -> str:
    """The text of the one mail of `kind` queued for `address`."""
    session.rollback()
    [row] = session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == address, OutboxMail.kind == kind))
    return email.message_from_bytes(row.message, policy=policy.default).get_body().get_content()


def notice_links(session, user) -> set[str]:
    return set(session.scalars(sa.select(Notification.link).where(Notification.user_id == user.id)))


def test_an_answer_mails_the_full_address_of_the_site_the_senior_used(session, on_site):
    intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
    senior = make_senior()
    on_site.login("maya@hospital.example")
    on_site(f"/people/{senior.id}/introduction", message="Could we meet after grand rounds?")
    assert f"See your introductions: {SITE}/introductions" in mail_to(session, senior.email, "intro_requested")
    on_site.logout()
    on_site.login(senior.email)
    request_id = session.scalar(sa.text("SELECT id FROM intro_request"))
    on_site(f"/introductions/{request_id}/accept")
    text = mail_to(session, intern.email, "intro_accepted")
    assert f"See your introductions: {SITE}/introductions" in text
    assert f"{SITE}/unsubscribe/" in text  # (the unsubscribe link too)
    assert notice_links(session, intern) == {"/introductions"}


def test_a_senior_leaving_the_opt_in_mails_the_address_of_the_site_they_used(session, on_site):
    intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
    senior = make_senior()
    on_site.login(intern.email)
    on_site(f"/people/{senior.id}/introduction", message="Could we meet?")
    on_site.logout()
    on_site.login(senior.email)
    form = {"name": "Tomás Ferreira", "career_stage": "attending", "intro_capacity": "3"}
    on_site("/profile/edit", **form, attendance_visibility="members", timezone="")
    assert f"See your introductions: {SITE}/introductions" in mail_to(session, intern.email, "intro_declined")


def test_a_deleted_account_mails_the_other_side_the_address_of_the_site_used(session, on_site):
    intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
    senior = make_senior()
    on_site.login(intern.email)
    on_site(f"/people/{senior.id}/introduction", message="Could we meet?")
    on_site("/account/delete", password=DEFAULT_PASSWORD, confirm="y")
    assert f"See your introductions: {SITE}/introductions" in mail_to(session, senior.email, "intro_ended")


def test_the_worker_mails_expiry_with_the_configured_sites_address(make_app):
    app = make_app(SERVER_NAME="rounds.hospital.example", PREFERRED_URL_SCHEME="https")
    with app.app_context():
        intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
        overdue(db.session, intern, make_senior())
        assert worker.run_round(app, jobs=[j for j in worker.all_jobs() if j.name == "expire-introductions"]) == {
            "expire-introductions": 1
        }
        mail = mail_to(db.session, intern.email, "intro_expired")
        assert f"Your introductions: {SITE}/introductions" in mail
        assert f"{SITE}/people" in mail  # whom to ask next
        assert notice_links(db.session, intern) == {"/people"}
        db.session.remove()
