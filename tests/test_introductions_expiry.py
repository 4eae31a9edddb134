"""A request nobody answered within 14 days counts as expired wherever it
is read, from the moment its date passes, and no page view writes for it:
the requests that change introductions, and the expire-introductions
command, store the expiry and tell the requester."""

from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest
from eventsapp.notifications.models import Notification
from eventsapp.timeutil import utcnow
from tests.factories import make_user

WRITES = ("INSERT", "UPDATE", "DELETE")


@pytest.fixture
def intern(session):
    return make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])


def make_senior(name="Tomás Ferreira", email="tomas@hospital.example", **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"], intro_capacity=3)
    return make_user(name, email=email, **(values | kwargs))


def overdue(session, requester, senior) -> int:
    """A request from `requester` to `senior`, unanswered past its date."""
    request = IntroRequest(
        requester_id=requester.id,
        senior_id=senior.id,
        message="Could we meet?",
        status="pending",
        created_at=utcnow() - timedelta(days=15),
        expires_at=utcnow() - timedelta(minutes=1),
    )
    session.add(request)
    session.commit()
    return request.id


def stored(session):
    """Every request's stored status, and every notification."""
    session.rollback()
    return (
        session.execute(sa.select(IntroRequest.id, IntroRequest.status).order_by(IntroRequest.id)).all(),
        session.execute(sa.select(Notification.user_id, Notification.message).order_by(Notification.id)).all(),
    )


@contextmanager
def no_writes():
    """Fails if a statement that writes runs inside."""
    writes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES):
            writes.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    assert writes == []


def test_people_to_meet_and_introductions_show_the_request_expired_without_writing(client, auth, session, intern):
    senior = make_senior()
    overdue(session, intern, senior)
    before = stored(session)
    auth.login("maya@hospital.example")
    with no_writes():
        people = client.get("/people").get_data(as_text=True)
        mine = client.get("/introductions").get_data(as_text=True)
        ask_page = client.get(f"/people/{senior.id}/introduction").get_data(as_text=True)
    assert stored(session) == before
    # The colleague can be asked again, everywhere.
    assert "Tomás Ferreira" in people and "Request sent, waiting" not in people
    assert "Ask for an introduction" in people and "Send request" in ask_page
    sent = mine[mine.index("Requests you sent") :]
    assert "Expired (no answer)" in sent and "Withdraw" not in sent


def test_the_senior_no_longer_sees_the_request_waiting_and_nothing_is_written(client, auth, session, intern):
    senior = make_senior()
    request_id = overdue(session, intern, senior)
    before = stored(session)
    auth.login("tomas@hospital.example")
    with no_writes():
        home = client.get("/").get_data(as_text=True)
        mine = client.get("/introductions").get_data(as_text=True)
    assert stored(session) == before
    assert "count-badge" not in home.split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Maya Okafor" not in home and "No requests waiting for you" in mine
    # Too late to answer: the request that tried stores the expiry and tells Maya.
    client.post(f"/introductions/{request_id}/accept")
    statuses, notices = stored(session)
    assert statuses == [(request_id, "expired")]
    assert notices == [(intern.id, "Your introduction request to Tomás Ferreira expired")]


def test_expired_requests_no_longer_count_towards_the_limit_of_five(client, auth, session, intern):
    for n in range(5):
        overdue(session, intern, make_senior(f"Dr Senior {n}", email=None))
    sixth = make_senior("Dr Sixth", email=None)
    auth.login("maya@hospital.example")
    with no_writes():
        assert "Send request" in client.get(f"/people/{sixth.id}/introduction").get_data(as_text=True)
    page = client.post(f"/people/{sixth.id}/introduction", data={"message": "Hello"}, follow_redirects=True)
    assert "Your request is on its way to Dr Sixth" in page.get_data(as_text=True)
    statuses, notices = stored(session)
    assert [s for _, s in statuses] == ["expired"] * 5 + ["pending"]
    assert sum("expired" in message for user_id, message in notices if user_id == intern.id) == 5


def test_a_full_senior_asked_too_long_ago_is_no_longer_suggested(client, auth, session, intern):
    senior = make_senior(intro_capacity=1)
    session.add(
        IntroRequest(
            requester_id=make_user("Earlier Intern").id,
            senior_id=senior.id,
            status="accepted",
            expires_at=utcnow(),
            message="hi",
        )
    )
    overdue(session, intern, senior)
    auth.login("maya@hospital.example")
    with no_writes():
        assert "Tomás Ferreira" not in client.get("/people").get_data(as_text=True)


def test_withdrawing_an_expired_request_says_it_no_longer_waits(client, auth, session, intern):
    request_id = overdue(session, intern, make_senior())
    auth.login("maya@hospital.example")
    page = client.post(f"/introductions/{request_id}/withdraw", follow_redirects=True).get_data(as_text=True)
    assert "no longer waiting for an answer" in page
    statuses, notices = stored(session)
    assert statuses == [(request_id, "expired")] and len(notices) == 1


def test_the_command_stores_the_expiry_and_tells_the_requester(runner, session, intern):
    request_id = overdue(session, intern, make_senior())
    overdue(session, make_user("Noor Intern", email="noor@hospital.example"), make_senior("Dr Other", email=None))
    assert "2 requests expired." in runner.invoke(args=["expire-introductions"]).output
    statuses, notices = stored(session)
    assert [s for _, s in statuses] == ["expired", "expired"]
    assert (intern.id, "Your introduction request to Tomás Ferreira expired") in notices and len(notices) == 2
    # The notice leads to People to meet: whom to ask next.
    assert session.scalar(sa.select(Notification.link).where(Notification.user_id == intern.id)) == "/people"
    # Once stored, a second run has nothing to do.
    assert "0 requests expired." in runner.invoke(args=["expire-introductions"]).output
    assert stored(session)[0][0] == (request_id, "expired")
