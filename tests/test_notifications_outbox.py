"""The outbox: mail is stored with the change that causes it and delivered
by the worker through a real SMTP server, whatever the server does. Each
round is run at an explicit time; nothing waits for a clock."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import MailStatus, OutboxMail
from eventsapp.notifications.services import Message, notify
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.mailserver import MailServer, free_port
from tests.outbox import deliver_mail


@pytest.fixture
def server():
    found = MailServer().start()
    yield found
    found.stop()


def mail_app(make_app, port, **extra):
    return make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5, **extra)


def queue(app, *addresses, kind="test") -> None:
    with app.app_context():
        for address in addresses:
            queue_mail(db.session, OutgoingMail(to=address, subject=f"For {address}", body="Hello"), kind=kind)
        db.session.commit()
        db.session.remove()


def rows(app) -> list[OutboxMail]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id)))
        db.session.expunge_all()
        db.session.remove()
        return found


def test_a_rolled_back_change_leaves_no_mail_and_a_committed_one_one_per_recipient(make_app, server):
    app = mail_app(make_app, server.port)
    with app.app_context():
        maya, omar = make_user(email="maya@hospital.example"), make_user(email="omar@hospital.example")
        notify(db.session, [maya, omar], Message("promoted", "You have a place", "Body"))
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0
        notify(db.session, [maya, omar], Message("promoted", "You have a place", "Body"))
        db.session.commit()
    stored = rows(app)
    assert sorted(r.to_address for r in stored) == ["maya@hospital.example", "omar@hospital.example"]
    assert {r.kind for r in stored} == {"promoted"} and all(r.status == MailStatus.PENDING for r in stored)
    deliver_mail(app)
    assert sorted(e.rcpt_tos[0] for e in server.received) == ["maya@hospital.example", "omar@hospital.example"]


def test_a_dedupe_key_queues_a_mail_once(app, session):
    mail = OutgoingMail(to="maya@hospital.example", subject="Reminder", body="Tomorrow")
    assert queue_mail(session, mail, kind="reminder", dedupe_key="reminder:1:2:x:24h") is True
    session.commit()
    assert queue_mail(session, mail, kind="reminder", dedupe_key="reminder:1:2:x:24h") is False
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 1


def test_a_server_down_for_several_rounds_then_up_gets_every_mail_once_with_its_message_id(make_app):
    port = free_port()  # nothing listens there yet
    app = mail_app(make_app, port)
    queue(app, "a@hospital.example", "b@hospital.example", "c@hospital.example")
    stored_ids = {r.message_id for r in rows(app)}
    now = utcnow()
    for minutes in (0, 1, 3, 7):
        assert deliver_mail(app, now + timedelta(minutes=minutes)).retrying == 3
    waiting = rows(app)
    assert {r.status for r in waiting} == {MailStatus.PENDING} and {r.attempts for r in waiting} == {4}
    assert all("Connection" in r.last_error or "refused" in r.last_error.lower() for r in waiting)
    server = MailServer(port).start()
    try:
        assert deliver_mail(app, now + timedelta(minutes=10)).sent == 0  # next try: 8 minutes after the fourth
        assert deliver_mail(app, now + timedelta(minutes=15)).sent == 3
        assert deliver_mail(app, now + timedelta(hours=2)).handled == 0
    finally:
        server.stop()
    assert sorted(server.message_ids()) == sorted(stored_ids)
    assert {r.status for r in rows(app)} == {MailStatus.SENT}


def test_two_workers_at_once_send_each_mail_once(make_app, server):
    app = mail_app(make_app, server.port)
    queue(app, *[f"intern{n}@hospital.example" for n in range(30)])
    start, now, results = threading.Barrier(2), utcnow(), []

    def worker():
        start.wait(timeout=30)
        results.append(deliver_mail(app, now, batch=10))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    while (counts := deliver_mail(app, now, batch=10)).handled:
        results.append(counts)
    ids = server.message_ids()
    assert len(ids) == 30 and len(set(ids)) == 30
    assert sum(c.sent for c in results) == 30


def test_a_temporary_refusal_is_retried_and_then_delivered(make_app, server):
    server.busy_answers = 1
    app = mail_app(make_app, server.port)
    queue(app, "maya@hospital.example")
    now = utcnow()
    assert deliver_mail(app, now).retrying == 1
    [row] = rows(app)
    assert row.status == MailStatus.PENDING and row.last_error.startswith("451")
    assert deliver_mail(app, now + timedelta(seconds=30)).handled == 0  # not due before a minute
    assert deliver_mail(app, now + timedelta(minutes=1)).sent == 1
    [row] = rows(app)
    assert row.status == MailStatus.SENT and row.attempts == 2 and row.last_error == ""
    assert [e.rcpt_tos for e in server.received] == [["maya@hospital.example"]]


def test_a_permanent_refusal_fails_at_once_with_the_reason(make_app, server):
    server.refuse["gone@hospital.example"] = "550 5.1.1 No such mailbox"
    app = mail_app(make_app, server.port)
    queue(app, "gone@hospital.example", "maya@hospital.example")
    now = utcnow()
    counts = deliver_mail(app, now)
    assert (counts.sent, counts.failed) == (1, 1)
    failed = next(r for r in rows(app) if r.to_address == "gone@hospital.example")
    assert failed.status == MailStatus.FAILED and failed.last_error == "550 5.1.1 No such mailbox"
    assert deliver_mail(app, now + timedelta(days=1)).handled == 0


def test_a_malformed_address_fails_and_the_others_still_go(make_app, server):
    app = mail_app(make_app, server.port)
    queue(app, "first@hospital.example", "not an address", "last@hospital.example")
    counts = deliver_mail(app)
    assert (counts.sent, counts.failed) == (2, 1)
    bad = next(r for r in rows(app) if r.to_address == "not an address")
    assert bad.status == MailStatus.FAILED and bad.last_error.startswith("Malformed address")
    assert sorted(e.rcpt_tos[0] for e in server.received) == ["first@hospital.example", "last@hospital.example"]


def test_a_server_that_never_answers_times_out_and_the_mail_goes_later(make_app):
    with socket.socket() as silent:  # takes connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=0.2)
        queue(app, "a@hospital.example", "b@hospital.example")
        now = utcnow()
        assert deliver_mail(app, now).retrying == 2
    assert {r.last_error for r in rows(app)} == {"The mail server did not answer in time (timed out)"}
    server = MailServer(port).start()
    try:
        assert deliver_mail(app, now + timedelta(minutes=1)).sent == 2
    finally:
        server.stop()


def test_temporary_failures_stop_after_the_retry_window(make_app):
    app = mail_app(make_app, free_port(), MAIL_RETRY_HOURS=24)
    queue(app, "maya@hospital.example")
    created = rows(app)[0].created_at
    assert deliver_mail(app, created + timedelta(hours=23)).retrying == 1
    assert deliver_mail(app, created + timedelta(hours=24)).failed == 1
    [row] = rows(app)
    assert row.status == MailStatus.FAILED and row.last_error.startswith("Gave up after 2 attempts")


WORKER_PROCESS = """
import json, sys
from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.notifications.outbox import deliver_due
from eventsapp.timeutil import utcnow

app = create_app(json.loads(sys.argv[1]))
with app.app_context():
    deliver_due(db.session, utcnow(), batch=10)
"""


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_only_the_mail_in_flight_again(
    make_app, database_url, tmp_path, server
):
    import json
    import subprocess
    import sys
    from pathlib import Path

    from tests.conftest import BASE_CONFIG

    server.hold_at = 3  # the third message stays at DATA: the worker never hears back
    overrides = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_LEASE_SECONDS": 600}
    app = make_app(**overrides)
    queue(app, *[f"intern{n}@hospital.example" for n in range(6)])
    stored = [r.message_id for r in rows(app)]
    config = {**BASE_CONFIG, **overrides, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": app.instance_path}
    log = tmp_path / "worker.log"
    with open(log, "w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER_PROCESS, json.dumps(config)],
            cwd=Path(__file__).resolve().parent.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            held = server.held.wait(timeout=120)  # (a safety net: the worker starts in a second or two)
        finally:
            worker.kill()  # SIGKILL, as kill -9
            worker.wait()
    assert held, log.read_text()
    server.release()
    killed_at = utcnow()
    assert [r.status for r in rows(app)] == ["sent", "sent"] + ["sending"] * 4
    assert deliver_mail(app, killed_at + timedelta(minutes=5)).handled == 0  # still leased to the dead worker
    assert deliver_mail(app, killed_at + timedelta(seconds=601)).sent == 4
    received = server.message_ids()
    assert sorted(set(received)) == sorted(stored)  # nothing lost
    in_flight = stored[2]
    assert received.count(in_flight) == 2  # sent once more, with the same Message-ID
    assert all(received.count(message_id) == 1 for message_id in stored if message_id != in_flight)
    assert {r.status for r in rows(app)} == {MailStatus.SENT}


def test_a_server_answering_garbage_is_tried_again_later(make_app):
    with socket.socket() as garbage:
        garbage.bind(("127.0.0.1", 0))
        garbage.listen(1)
        port = garbage.getsockname()[1]
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=5)
        queue(app, "maya@hospital.example")
        answered = threading.Event()

        def answer_nonsense():
            connection, _ = garbage.accept()
            with connection:
                connection.sendall(b"HELLO? IS IT ME YOU'RE LOOKING FOR\r\n")
                answered.set()
                connection.recv(1024)  # until the client hangs up

        thread = threading.Thread(target=answer_nonsense)
        thread.start()
        assert deliver_mail(app).retrying == 1
        thread.join(timeout=30)
    assert answered.is_set()
    [row] = rows(app)
    assert row.status == MailStatus.PENDING and row.last_error


def test_delivered_mail_is_purged_after_a_week_and_failed_mail_after_a_month(make_app, server):
    from eventsapp.notifications.outbox import purge_old

    app = mail_app(make_app, server.port)
    queue(app, "maya@hospital.example", "not an address")
    now = utcnow()
    deliver_mail(app, now)
    with app.app_context():
        assert purge_old(db.session, now + timedelta(days=6)) == 0
        assert purge_old(db.session, now + timedelta(days=8)) == 1  # the delivered one
        assert purge_old(db.session, now + timedelta(days=31)) == 1  # the failed one
        db.session.remove()
    assert rows(app) == []


def test_a_deleted_account_is_sent_none_of_its_waiting_mail(session):
    from eventsapp.accounts import privacy

    leaving = make_user(email="leaving@hospital.example")
    staying = make_user(email="staying@hospital.example")
    for user in (leaving, staying):
        queue_mail(session, OutgoingMail(to=user.email, subject="Hello", body="x"), kind="test", user_id=user.id)
    session.commit()
    privacy.delete_account(session, leaving, DEFAULT_PASSWORD)
    session.rollback()
    assert [m.to_address for m in session.scalars(sa.select(OutboxMail))] == ["staying@hospital.example"]
