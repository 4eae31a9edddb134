"""Both members answering "we met" at the same moment make one mentorship;
interns asking one senior at once take no more than the senior's places.

Each thread is its own request (app context, session and connection), as
with several server threads or processes; on SQLite and PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from threading import Event

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships import answers
from eventsapp.mentorships.models import Mentorship, MetAnswer
from tests.factories import make_user
from tests.mentorship_helpers import connected_pair

PAIRS = 6


def run_at_once(app, calls):
    start = Event()

    def run(call):
        start.wait(timeout=30)
        with app.app_context(), Session(db.engine) as own_session:
            return call(own_session)

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        start.set()
        return [future.result() for future in futures]


def test_both_answering_we_met_at_once_make_one_mentorship_per_pair(app, session):
    pairs = [connected_pair(f"Intern {n}", f"Senior {n}") for n in range(PAIRS)]
    calls = [
        (lambda s, u=member.id, r=request.id: answers.answer_met(s, s.get(User, u), r, "met").id)
        for request, intern, senior in pairs
        for member in (intern, senior)
    ]
    got = run_at_once(app, calls)
    assert all(got[2 * n] == got[2 * n + 1] for n in range(PAIRS))  # both were shown the same one
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == PAIRS
    assert session.scalar(sa.select(sa.func.count()).select_from(MetAnswer)) == 2 * PAIRS


def test_interns_asking_one_senior_at_once_never_take_more_places_than_the_limit(app, session):
    """A senior's places (connections, mentorships, requests waiting) hold
    however many interns ask at the same moment."""
    senior = make_user("Tomás Ferreira", stage="attending", open_to_interns=True, intro_capacity=2)
    interns = [make_user(f"Intern {n}", stage="intern") for n in range(6)]

    def ask(s, u):
        try:
            return introductions.request_introduction(s, s.get(User, u), senior.id, "Coffee after rounds?").id
        except DomainError:
            return None

    got = run_at_once(app, [(lambda s, u=intern.id: ask(s, u)) for intern in interns])
    session.rollback()
    waiting = session.scalar(sa.select(sa.func.count()).where(IntroRequest.senior_id == senior.id))
    assert waiting == len([g for g in got if g]) == 2
