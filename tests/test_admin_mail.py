"""Admins see the mail the outbox could not deliver, with the reason, and
send it again once the cause is fixed."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from eventsapp.extensions import db
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.timeutil import utcnow
from tests.conftest import IsolatedClient
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.mailserver import MailServer
from tests.outbox import deliver_mail


@pytest.fixture
def server():
    found = MailServer().start()
    yield found
    found.stop()


def test_a_refused_mail_shows_with_its_reason_and_try_again_sends_it(make_app, server):
    server.refuse["maya@hospital.example"] = "550 5.2.1 Mailbox disabled"
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        make_user("Sam Admin", email="admin@hospital.example", role="admin", stage="attending")
        queue_mail(
            db.session,
            OutgoingMail(to="maya@hospital.example", subject="You have a place: Grand Rounds", body="See you"),
            kind="promoted",
        )
        db.session.commit()
        db.session.remove()
    assert deliver_mail(app).failed == 1
    client.post("/login", data={"email": "admin@hospital.example", "password": DEFAULT_PASSWORD})
    page = html.unescape(client.get("/admin/mail").get_data(as_text=True))
    assert "You have a place: Grand Rounds" in page and "550 5.2.1 Mailbox disabled" in page
    assert "maya@hospital.example" in page and "promoted" in page
    assert 'href="/admin/mail"' in client.get("/admin/people").get_data(as_text=True)

    del server.refuse["maya@hospital.example"]  # the mailbox works again
    retried = client.post(_retry_path(page), follow_redirects=True)
    assert "tried again" in retried.get_data(as_text=True)
    assert deliver_mail(app).sent == 1
    assert [e.rcpt_tos for e in server.received] == [["maya@hospital.example"]]
    assert "Every email has been delivered" in client.get("/admin/mail").get_data(as_text=True)


def _retry_path(page: str) -> str:
    start = page.index('action="/admin/mail/') + len('action="')
    return page[start : page.index('"', start)]


def test_mail_waiting_long_shows_and_fresh_mail_does_not(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=1)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        make_user("Sam Admin", email="admin@hospital.example", role="admin", stage="attending")
        mail = OutgoingMail(to="omar@hospital.example", subject="Old news", body="x")
        queue_mail(db.session, mail, kind="event_changed", now=utcnow() - timedelta(hours=1))
        queue_mail(db.session, OutgoingMail(to="new@hospital.example", subject="Fresh", body="x"), kind="test")
        db.session.commit()
        db.session.remove()
    client.post("/login", data={"email": "admin@hospital.example", "password": DEFAULT_PASSWORD})
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Old news" in page and "Waiting" in page and "Fresh" not in page
