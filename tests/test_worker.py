"""The worker: each round runs every job with its own session; a job that
crashes is logged and the others still run; expiry of introduction requests
is one of its jobs and tells the requester through the outbox."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp import worker
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest
from eventsapp.notifications.models import OutboxMail
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.mailserver import MailServer
from tests.outbox import deliver_mail
from tests.test_introductions_expiry import make_senior, overdue


def test_one_round_expires_overdue_requests_and_delivers_the_mail_about_them(app, session, tmp_path):
    intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
    request_id = overdue(session, intern, make_senior())
    done = worker.run_round(app)  # (each job at its own present)
    assert done["expire-introductions"] == 1
    session.rollback()
    assert session.get(IntroRequest, request_id).status == "expired"
    [mail] = session.scalars(sa.select(OutboxMail))
    assert mail.to_address == "maya@hospital.example" and mail.kind == "intro_expired"
    assert deliver_mail(app).handled == 0  # the round delivered it already (to instance/mail/)
    assert len(list((tmp_path / "instance" / "mail").glob("*.eml"))) == 1


def test_a_second_round_expires_nothing_twice(app, session):
    intern = make_user(email="maya@hospital.example")
    overdue(session, intern, make_senior())
    assert worker.run_round(app)["expire-introductions"] == 1
    assert worker.run_round(app)["expire-introductions"] == 0
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 1


def test_a_job_that_crashes_is_logged_and_the_others_still_run(app, caplog):
    def broken(session, now):
        raise RuntimeError("the disk is full")

    jobs = [worker.Job("broken", None, broken), worker.Job("counts", None, lambda session, now: 3)]
    with caplog.at_level(logging.ERROR, logger="eventsapp.worker"):
        assert worker.run_round(app, utcnow(), jobs) == {"broken": None, "counts": 3}
    assert "Job broken failed" in caplog.text and "the disk is full" in caplog.text


def test_job_names_are_unique():
    with pytest.raises(ValueError):
        worker.register(worker.Job("deliver-mail", timedelta(minutes=1), lambda session, now: 0))


def test_the_worker_stops_when_told_after_the_job_under_way(app):
    import threading

    stop, ran = threading.Event(), []

    def job(session, now):
        ran.append(now)
        stop.set()  # as SIGTERM's handler does, while a job runs
        return 1

    worker.JOBS.append(worker.Job("stopper", None, job))
    try:
        worker.run_forever(app, stop)  # returns: no loop after the stop
    finally:
        worker.JOBS.pop()
    assert len(ran) == 1


def test_worker_once_on_the_command_line_runs_every_job(runner, session):
    make_user(email="maya@hospital.example")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "deliver-mail: 0" in result.output and "expire-introductions: 0" in result.output


def test_expire_introductions_command_still_expires(runner, session):
    overdue(session, make_user(email="maya@hospital.example"), make_senior())
    result = runner.invoke(args=["expire-introductions"])
    assert "1 requests expired." in result.output


def test_a_round_sends_the_reminders_due_and_a_second_round_none(app, session, tmp_path):
    event = make_event(title="Cardiology Grand Rounds", starts_in=timedelta(hours=23))
    answered = utcnow() - timedelta(days=2)
    make_rsvp(
        event,
        make_user("Maya Okafor", email="maya@hospital.example"),
        "going",
        created_at=answered,
        updated_at=answered,
    )
    assert worker.run_round(app)["send-reminders"] == 1
    assert worker.run_round(app)["send-reminders"] == 0
    [mail] = (tmp_path / "instance" / "mail").glob("*.eml")
    assert "Subject: Reminder: Cardiology Grand Rounds" in mail.read_text()


def test_a_round_delivers_reminders_and_introduction_mail_to_a_real_smtp_server(make_app):
    """What the issue promises end to end, on SQLite and PostgreSQL alike:
    the worker's jobs queue the mail and the same round delivers it over SMTP."""
    server = MailServer().start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, SERVER_NAME="rounds.hospital.example")
        with app.app_context():
            event = make_event(title="Cardiology Grand Rounds", starts_in=timedelta(hours=23))
            answered = utcnow() - timedelta(days=2)
            maya = make_user("Maya Okafor", email="maya@hospital.example")
            make_rsvp(event, maya, "going", created_at=answered, updated_at=answered)
            overdue(db.session, make_user("Noor Haddad", email="noor@hospital.example"), make_senior())
            db.session.remove()
        done = worker.run_round(app)
    finally:
        server.stop()
    assert done["send-reminders"] == 1 and done["expire-introductions"] == 1 and done["deliver-mail"] == 2
    received = {envelope.rcpt_tos[0]: server.parse(envelope) for envelope in server.received}
    assert sorted(received) == ["maya@hospital.example", "noor@hospital.example"]
    reminder = received["maya@hospital.example"]
    assert reminder["Subject"].startswith("Reminder: Cardiology Grand Rounds, ")
    assert [part.get_content_type() for part in reminder.iter_attachments()] == ["text/calendar"]
    assert "http://rounds.hospital.example/events/" in reminder.get_body(("plain",)).get_content()
    expired = received["noor@hospital.example"]
    assert "expired" in expired["Subject"]
    assert "http://rounds.hospital.example/introductions" in expired.get_body(("plain",)).get_content()
