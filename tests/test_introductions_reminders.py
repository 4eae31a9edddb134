"""Requests do not wither silently: the senior is reminded of a request
still waiting 3 and 10 days after it was sent, once each; at expiry the
intern hears whom to ask next. Every run is given its `now`; mail goes out
through a real SMTP server, as the worker delivers it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from threading import Barrier
from urllib.parse import urlparse

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp import worker
from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.notifications.models import Notification
from eventsapp.notifications.request_reminders import reminder_days, send_request_reminders
from eventsapp.timeutil import utcnow
from tests.conftest import IsolatedClient
from tests.factories import make_user
from tests.mailserver import MailServer
from tests.outbox import deliver_mail

DAY = timedelta(days=1)
SITE = "http://localhost/"  # the configured site (no SERVER_NAME in the tests)


@pytest.fixture
def server():
    found = MailServer().start()
    yield found
    found.stop()


@pytest.fixture
def app(make_app, server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
    with app.app_context():
        yield app


@pytest.fixture
def mailbox(app, server):
    """The mail the SMTP server received, after one delivery round."""

    def read(to: str | None = None):
        deliver_mail(app)
        found = [MailServer.parse(envelope) for envelope in server.received]
        server.received.clear()
        return [m for m in found if to is None or m["To"] == to]

    return read


@pytest.fixture
def maya(session):
    return make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])


def senior(name="Tomás Ferreira", email=None, **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"], intro_capacity=3)
    return make_user(name, email=email, **(values | kwargs))


def ask(session, intern, to, sent_at, message="I'd love to hear how you chose cardiology."):
    request = introductions.request_introduction(session, intern, to.id, message, now=sent_at)
    return request.id


def job(name):
    return next(j for j in worker.all_jobs() if j.name == name)


def remind(app, now) -> int:
    return worker.run_job(app, job("remind-waiting-requests"), now)


def expire(app, now) -> int:
    return worker.run_job(app, job("expire-introductions"), now)


def notices(session, user, kind) -> list[str]:
    session.rollback()
    return list(
        session.scalars(
            sa.select(Notification.message)
            .where(Notification.user_id == user.id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def body(mail) -> str:
    return mail.get_body().get_content()


def test_the_senior_is_reminded_after_3_and_10_days_once_each(app, session, maya, mailbox):
    tomas = senior(email="tomas@hospital.example")
    sent_at = utcnow()
    ask(session, maya, tomas, sent_at)
    mailbox()  # (the request itself)
    assert remind(app, sent_at + 3 * DAY - timedelta(minutes=1)) == 0
    assert remind(app, sent_at + 3 * DAY) == 1
    assert remind(app, sent_at + 3 * DAY) == 0  # run again: nothing twice
    assert remind(app, sent_at + 6 * DAY) == 0
    [first] = mailbox()
    assert remind(app, sent_at + 10 * DAY) == 1
    assert remind(app, sent_at + 11 * DAY) == 0
    [second] = mailbox()
    assert notices(session, tomas, "request_reminder") == [
        "Maya Okafor is waiting for your answer",
        second["Subject"],
    ]
    assert first["To"] == "tomas@hospital.example" and first["Subject"] == "Maya Okafor is waiting for your answer"
    text = body(first)
    assert "Maya Okafor (Intern) asked to meet you 3 days ago" in text
    assert "I'd love to hear how you chose cardiology." in text
    assert "Answer the request: http://localhost/introductions" in text
    expires = second["Subject"].removeprefix("Maya Okafor is still waiting for your answer: the request expires ")
    assert f"The request expires on {expires}" in text and " at " in expires
    assert "asked to meet you 10 days ago" in body(second)
    # The one-click link turns these reminders off, and nothing else.
    assert (
        "To stop emails about reminders of introduction requests waiting for your answer, open: http://localhost/"
        in text
    )
    assert first["List-Unsubscribe"].startswith("<http://localhost/unsubscribe/")


def test_no_reminder_once_the_request_is_answered_withdrawn_or_expired(app, session, maya, mailbox):
    sent_at = utcnow()
    accepted, declined, withdrawn, waiting = (senior(f"Dr {n}") for n in ("Accepts", "Declines", "Waits", "Silent"))
    ids = {s.name: ask(session, maya, s, sent_at) for s in (accepted, declined, withdrawn, waiting)}
    introductions.answer(session, accepted, ids["Dr Accepts"], True, now=sent_at + DAY)
    introductions.answer(session, declined, ids["Dr Declines"], False, now=sent_at + DAY)
    introductions.withdraw(session, maya, ids["Dr Waits"])
    assert remind(app, sent_at + 3 * DAY) == 1
    assert [notices(session, s, "request_reminder") for s in (accepted, declined, withdrawn)] == [[], [], []]
    assert len(notices(session, waiting, "request_reminder")) == 1
    # Expired (stored or not): no reminder, however late the worker runs.
    assert remind(app, sent_at + 14 * DAY) == 0
    assert expire(app, sent_at + 14 * DAY) == 1
    assert remind(app, sent_at + 14 * DAY) == 0
    assert len(notices(session, waiting, "request_reminder")) == 1


@pytest.mark.parametrize("leaving", ["intern", "senior"])
def test_no_reminder_after_either_account_is_deleted(app, session, maya, mailbox, leaving):
    tomas = senior(email="tomas@hospital.example")
    kept = senior("Dr Kept", email="kept@hospital.example")
    sent_at = utcnow()
    ask(session, maya, tomas, sent_at)
    ask(session, make_user("Noor Intern"), kept, sent_at)
    mailbox()
    session.delete(maya if leaving == "intern" else tomas)
    session.commit()
    assert remind(app, sent_at + 3 * DAY) == 1
    assert [m["To"] for m in mailbox()] == ["kept@hospital.example"]


def test_a_senior_who_turned_reminders_off_gets_none_and_the_mail_link_turns_them_off(app, session, maya, mailbox):
    quiet = senior("Dr Quiet", request_reminders=False)
    tomas = senior(email="tomas@hospital.example")
    sent_at = utcnow()
    ask(session, maya, quiet, sent_at)
    ask(session, make_user("Noor Intern"), tomas, sent_at)
    mailbox()
    assert remind(app, sent_at + 3 * DAY) == 1
    assert notices(session, quiet, "request_reminder") == []
    [mail] = mailbox()
    link = urlparse(mail["List-Unsubscribe"].strip("<>")).path
    app.test_client_class = IsolatedClient
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert "introduction requests waiting for your answer" in page
    client.post(link, data={"List-Unsubscribe": "One-Click"})
    session.rollback()
    assert session.get(type(tomas), tomas.id).profile.request_reminders is False
    assert session.get(type(tomas), tomas.id).email_notifications is True  # other mail still comes
    assert remind(app, sent_at + 10 * DAY) == 0
    assert len(notices(session, tomas, "request_reminder")) == 1


def test_the_profile_says_whether_to_be_reminded(app, session, maya):
    tomas = senior(email="tomas@hospital.example", password="correct horse battery")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    client.post("/login", data={"email": "tomas@hospital.example", "password": "correct horse battery"})
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Remind me of introduction requests waiting for my answer" in page
    form = {"name": "Tomás Ferreira", "career_stage": "attending", "intro_capacity": "3", "open_to_interns": "y"}
    form |= {"pgy_year": "", "department_id": "", "bio": "", "show_interests": "y"}
    assert client.post("/profile/edit", data=form).status_code == 302
    session.rollback()
    assert session.get(type(tomas), tomas.id).profile.request_reminders is False
    client.post("/profile/edit", data=form | {"request_reminders": "y"})
    session.rollback()
    assert session.get(type(tomas), tomas.id).profile.request_reminders is True


def test_a_worker_that_was_down_sends_only_the_latest_reminder_due(app, session, maya):
    tomas = senior()
    sent_at = utcnow()
    ask(session, maya, tomas, sent_at)
    assert remind(app, sent_at + 12 * DAY) == 1
    assert remind(app, sent_at + 13 * DAY) == 0
    [notice] = notices(session, tomas, "request_reminder")
    assert notice.startswith("Maya Okafor is still waiting for your answer: the request expires ")


def test_a_shorter_expiry_moves_the_reminders_earlier():
    assert reminder_days(timedelta(days=14)) == (3, 10)
    assert reminder_days(timedelta(days=7)) == (3, 6)
    assert reminder_days(timedelta(days=3)) == (2,)
    assert reminder_days(timedelta(days=1)) == ()


def test_two_workers_at_once_send_each_reminder_once(app, session, mailbox):
    sent_at = utcnow()
    seniors = [senior(f"Dr {n}", email=f"senior{n}@hospital.example") for n in range(5)]
    for n, each in enumerate(seniors):
        ask(session, make_user(f"Intern {n}"), each, sent_at)
    mailbox()
    barrier = Barrier(2, timeout=30)

    def run(_):
        barrier.wait()
        with app.app_context(), Session(db.engine) as own:
            return send_request_reminders(own, sent_at + 3 * DAY, SITE)

    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(run, range(2)))
    assert sum(sent) == 5
    assert sorted(m["To"] for m in mailbox()) == sorted(s.email for s in seniors)
    assert all(len(notices(session, s, "request_reminder")) == 1 for s in seniors)


def statements_while(callable_) -> list[str]:
    seen = []

    def count(_conn, _cursor, statement, *_):
        seen.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        callable_()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return seen


def test_reminding_many_requests_reads_as_much_as_reminding_a_few(app, session):
    """Per batch: the claim and three reads, whatever its size; what grows
    is the rows added, a notice and a mail for each reminder."""
    sent_at = utcnow()
    rows = ("INSERT INTO OUTBOX_MAIL", "INSERT INTO NOTIFICATION")

    def statements_for(n):
        for i in range(n):
            ask(session, make_user(f"Intern {n}-{i}"), senior(f"Dr {n}-{i}"), sent_at)
        seen = statements_while(lambda: send_request_reminders(session, sent_at + 3 * DAY, SITE))
        added = [s for s in seen if s.lstrip().upper().startswith(rows)]
        assert len(added) <= 2 * n
        return len(seen) - len(added)

    assert statements_for(2) == statements_for(30)


def test_at_expiry_the_intern_hears_whom_to_ask_next(app, session, maya, mailbox):
    tomas = senior(email="tomas@hospital.example")
    others = [senior(f"Dr {n}", interests=["Cardiology"]) for n in ("Ada Byrne", "Ben Cole", "Cleo Diaz", "Dan Ek")]
    waited_on = others[0]
    closed = senior("Dr Closed", open_to_interns=False)
    sent_at = utcnow()
    ask(session, maya, tomas, sent_at)
    ask(session, maya, waited_on, sent_at + 5 * DAY)  # still waiting at the expiry of the first
    mailbox()
    assert expire(app, sent_at + 14 * DAY) == 1
    assert notices(session, maya, "intro_expired") == ["Your introduction request to Tomás Ferreira expired"]
    [mail] = mailbox("maya@hospital.example")
    text = body(mail)
    assert "Tomás Ferreira did not answer within 14 days, so your request expired." in text
    listed = text[text.index("Colleagues you could ask next:") : text.index("See them and ask on People to meet")]
    assert {"Dr Ben Cole", "Dr Cleo Diaz", "Dr Dan Ek"} == {n for n in (o.name for o in others) if n in listed}
    assert "Tomás Ferreira" not in listed and waited_on.name not in listed and closed.name not in listed
    assert "Cardiology" in listed  # with the reason, as People to meet gives it
    assert "See them and ask on People to meet: http://localhost/people" in text
    assert "To stop emails about changes to events you answered, your introductions and mentorships" in text
    # Nobody is told twice, whoever runs the expiry again.
    assert expire(app, sent_at + 15 * DAY) == 0
    assert mailbox("maya@hospital.example") == []


def test_an_intern_with_nobody_else_to_ask_is_told_so(app, session, maya, mailbox):
    sent_at = utcnow()
    ask(session, maya, senior(email="tomas@hospital.example"), sent_at)
    mailbox()
    expire(app, sent_at + 14 * DAY)
    [mail] = mailbox("maya@hospital.example")
    assert "Nobody else is suggested to you right now" in body(mail)


def test_expiry_ranks_suggestions_for_a_bounded_number_of_interns_per_batch(app, session, monkeypatch, mailbox):
    from eventsapp.notifications import expiry_notices

    monkeypatch.setattr(expiry_notices, "RANKED_PER_BATCH", 2)
    sent_at = utcnow()
    senior("Dr Next")  # whom each could ask next
    interns = [
        make_user(f"Intern {n}", email=f"intern{n}@hospital.example", interests=["Cardiology"]) for n in range(4)
    ]
    for each in interns:
        ask(session, each, senior(), sent_at)
    mailbox()
    assert introductions.expire_stale(session, sent_at + 14 * DAY) == 4  # (a page expiring a backlog)
    bodies = [body(m) for m in mailbox()]
    assert sum("Dr Next" in b for b in bodies) == 2
    assert sum("People to meet suggests colleagues who share your interests" in b for b in bodies) == 2


def test_the_worker_expires_in_batches_so_every_notice_names_colleagues(app, session, monkeypatch, mailbox):
    from eventsapp.notifications import expiry_notices

    monkeypatch.setattr(expiry_notices, "RANKED_PER_BATCH", 2)
    monkeypatch.setattr(worker, "EXPIRY_BATCH", 2)
    sent_at = utcnow()
    senior("Dr Next")
    interns = [
        make_user(f"Intern {n}", email=f"intern{n}@hospital.example", interests=["Cardiology"]) for n in range(5)
    ]
    for each in interns:
        ask(session, each, senior(), sent_at)
    mailbox()
    assert expire(app, sent_at + 14 * DAY) == 5  # three batches, one run
    bodies = [body(m) for m in mailbox()]
    assert len(bodies) == 5 and all("Dr Next" in b for b in bodies)


def test_two_workers_expiring_at_once_tell_each_intern_once(app, session, mailbox):
    sent_at = utcnow()
    interns = [make_user(f"Intern {n}", email=f"intern{n}@hospital.example") for n in range(4)]
    for each in interns:
        ask(session, each, senior(), sent_at)
    mailbox()
    barrier = Barrier(2, timeout=30)

    def run(_):
        barrier.wait()
        with app.app_context(), Session(db.engine) as own:
            return introductions.expire_stale(own, sent_at + 14 * DAY, limit=2)

    with ThreadPoolExecutor(2) as pool:
        expired = sum(pool.map(run, range(2)))
    expired += expire(app, sent_at + 14 * DAY)  # whatever a busy worker left for its next run
    assert expired == 4
    assert sorted(m["To"] for m in mailbox()) == sorted(i.email for i in interns)
    assert all(len(notices(session, i, "intro_expired")) == 1 for i in interns)
