"""Capacity holds when many requests answer at the same moment.

Each thread is its own request: its own app context, database session and
connection, as with several server threads or processes. Runs on SQLite and,
with TEST_DATABASE_URL, on PostgreSQL.
"""

from concurrent.futures import ThreadPoolExecutor
from threading import Event

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.rsvps import services
from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event, make_user

THREADS = 16


def run_at_once(app, calls):
    """Run every call with its own session and connection, all released together."""
    start = Event()

    def run(call):
        start.wait(timeout=30)
        with app.app_context(), Session(db.engine) as own_session:
            return call(own_session)

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(run, call) for call in calls]
        start.set()
        return [future.result() for future in futures]


def waitlist(session, event):
    session.rollback()
    rsvps = session.scalars(sa.select(Rsvp).where(Rsvp.event_id == event.id, Rsvp.state == "waitlisted"))
    return sorted(services.waitlist_position(session, r) for r in rsvps)


def test_forty_interns_answering_at_once_never_overfill_ten_seats(app, session):
    event = make_event(capacity=10)
    users = [make_user(f"Intern {n}") for n in range(40)]
    # Plain ids: objects of the test's session must not be touched from threads.
    event_id, user_ids = event.id, [u.id for u in users]
    outcomes = run_at_once(
        app, [(lambda s, u=u: services.respond(s, s.get(User, u), event_id, "going")) for u in user_ids]
    )
    assert [o.state for o in outcomes].count("going") == 10
    # Each was told a distinct place in line, and the line has no gaps.
    told = sorted(o.waitlist_position for o in outcomes if o.state == "waitlisted")
    assert told == list(range(1, 31))
    assert waitlist(session, event) == list(range(1, 31))
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.state == "going")) == 10


def test_withdrawals_at_once_promote_exactly_as_many_in_queue_order(app, session):
    event = make_event(capacity=5)
    users = [make_user(f"Intern {n}") for n in range(15)]
    for user in users:
        services.respond(session, user, event.id, "going")
    event_id, user_ids = event.id, [u.id for u in users]
    run_at_once(app, [(lambda s, u=u: services.respond(s, s.get(User, u), event_id, "declined")) for u in user_ids[:3]])
    session.rollback()
    rows = dict(session.execute(sa.select(Rsvp.user_id, Rsvp.state)).all())
    assert [rows[u.id] for u in users[:3]] == ["declined"] * 3
    # The three seats went to the first three in line, no more, no fewer.
    assert [rows[u.id] for u in users[3:8]] == ["going"] * 5
    assert [rows[u.id] for u in users[8:]] == ["waitlisted"] * 7
    assert waitlist(session, event) == list(range(1, 8))


def test_a_double_click_storm_leaves_one_answer(app, session):
    event = make_event(capacity=3)
    user = make_user()
    event_id, user_id = event.id, user.id
    run_at_once(app, [(lambda s: services.respond(s, s.get(User, user_id), event_id, "going")) for _ in range(10)])
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1
