"""Bad input never stops the worker: a mail server that stops answering in
the middle of a message, addresses that can never be delivered, a job that
fails every time, a database that cannot be reached. Each is logged and
skipped, and the next round runs; nothing waits for a clock."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp import worker
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import MailStatus, OutboxMail
from eventsapp.timeutil import utcnow
from tests.mailserver import MailServer, free_port
from tests.outbox import deliver_mail
from tests.test_notifications_outbox import queue, rows


@pytest.fixture
def server():
    found = MailServer().start()
    yield found
    found.stop()


def test_a_server_that_stops_answering_mid_message_times_out_and_the_mail_goes_again_with_its_message_id(
    make_app, server
):
    server.hold_at = 1  # the first message's DATA gets no answer until released
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=0.5)
    queue(app, "first@hospital.example", "second@hospital.example")
    first = rows(app)[0].message_id
    now = utcnow()
    counts = deliver_mail(app, now)
    assert counts.retrying == 2 and counts.sent == 0  # the second failed at once: one timeout per round
    assert {r.last_error for r in rows(app)} == {"The mail server did not answer in time (timed out)"}
    server.release()
    server.hold_at = None
    assert deliver_mail(app, now + timedelta(minutes=5)).sent == 2
    # The server had the first one already: it arrives again, with the same
    # Message-ID, so the reader's mail program shows it once (at least once).
    assert server.message_ids().count(first) == 2
    assert {r.status for r in rows(app)} == {MailStatus.SENT}


def test_an_address_that_can_never_be_delivered_is_tried_once_and_never_again(make_app, server):
    server.refuse["gone@hospital.example"] = "550 5.1.1 No such mailbox"
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    queue(app, "not an address", "gone@hospital.example")
    now = utcnow()
    assert deliver_mail(app, now).failed == 2
    for later in (timedelta(minutes=1), timedelta(hours=1), timedelta(days=2)):
        assert deliver_mail(app, now + later).handled == 0
    assert [(r.status, r.attempts) for r in rows(app)] == [(MailStatus.FAILED, 1)] * 2
    assert server.received == []


def test_an_address_with_a_line_break_is_kept_as_failed_and_the_change_still_commits(session):
    injected = "maya@hospital.example\nBcc: everyone@hospital.example"
    queue_mail(session, OutgoingMail(to=injected, subject="Hello", body="x"), kind="test")
    queue_mail(session, OutgoingMail(to="noor@hospital.example", subject="Hello", body="x"), kind="test")
    session.commit()
    stored = {m.to_address: m for m in session.scalars(sa.select(OutboxMail))}
    assert stored[injected].status == MailStatus.FAILED and stored[injected].message == b""
    assert stored[injected].last_error.startswith("Could not be composed")
    assert stored["noor@hospital.example"].status == MailStatus.PENDING


def test_a_job_that_fails_every_time_leaves_the_worker_running_its_rounds(app, monkeypatch, caplog):
    stop, failures, rounds = threading.Event(), [], []

    def broken(session, now):
        failures.append(now)
        raise RuntimeError("the disk is full")

    def counting(session, now):
        rounds.append(now)
        if len(rounds) == 3:
            stop.set()
        return 0

    jobs = [worker.Job("broken", None, broken), worker.Job("counting", None, counting)]
    monkeypatch.setattr(worker, "all_jobs", lambda: jobs)
    app.config["WORKER_INTERVAL_SECONDS"] = 0
    with caplog.at_level(logging.ERROR, logger="eventsapp.worker"):
        worker.run_forever(app, stop)
    assert len(failures) == 3 and len(rounds) == 3  # each round ran both, the crash included
    assert caplog.text.count("Job broken failed") == 3


def test_a_worker_whose_database_cannot_be_reached_logs_each_job_and_goes_on(make_app, tmp_path, caplog):
    # (Retention set: that job, off by default, reads the database too.)
    app = make_app(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no/such/folder/db.sqlite", ATTENDEE_DATA_RETENTION_YEARS=5
    )
    with caplog.at_level(logging.ERROR, logger="eventsapp.worker"):
        done = worker.run_round(app)
    assert set(done) == {job.name for job in worker.all_jobs()} and set(done.values()) == {None}
    assert "Job deliver-mail failed" in caplog.text


def test_worker_once_says_which_job_failed_and_exits_non_zero_for_cron(runner, monkeypatch):
    def broken(session, now):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(worker, "all_jobs", lambda: [worker.Job("broken", None, broken), worker.DELIVER_MAIL])
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert "broken: failed (see the log)" in result.output and "deliver-mail: 0" in result.output


def test_a_mail_server_that_is_down_costs_one_batch_per_round_not_the_whole_queue(make_app):
    """The other jobs wait while mail is tried: with the server down, a round
    gives up after one batch instead of failing each batch of a long queue."""
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    queue(app, *[f"intern{n}@hospital.example" for n in range(worker.MAIL_BATCH + 10)])
    done = worker.run_round(app, jobs=[worker.DELIVER_MAIL])
    assert done == {"deliver-mail": worker.MAIL_BATCH}
    assert sum(r.attempts for r in rows(app)) == worker.MAIL_BATCH


def test_a_long_queue_of_undeliverable_addresses_is_settled_in_one_round(make_app, server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    queue(app, *[f"not an address {n}" for n in range(worker.MAIL_BATCH + 10)])
    assert worker.run_round(app, jobs=[worker.DELIVER_MAIL]) == {"deliver-mail": worker.MAIL_BATCH + 10}
