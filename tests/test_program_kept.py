"""The program pages' figures kept for a few minutes (program/kept.py): the
rule on its own, then through HTTP with PROGRAM_CACHE_SECONDS on: the page
says when its figures were counted, the downloads count afresh, and a
requirement changed anywhere shows at once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from eventsapp.events.models import Series
from eventsapp.extensions import db
from eventsapp.program import kept
from eventsapp.program.coordinators import Scope
from eventsapp.timeutil import utcnow
from tests import attendance_cohort, program_cohort
from tests.factories import make_user
from tests.security_routes import log_in
from tests.test_program_attendance_pages import ZONE, _first_day
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

CLUB_ROW = '<td data-label="Series">Journal Club</td>'
T0 = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def nothing_kept():
    kept.forget()
    yield
    kept.forget()


def _counter():
    calls = []

    def count():
        calls.append(1)
        return len(calls)

    return calls, count


def test_figures_are_counted_once_while_kept_and_again_after():
    calls, count = _counter()
    first = kept.kept(("page", Scope(None)), seconds=300, now=T0, count=count)
    again = kept.kept(("page", Scope(None)), seconds=300, now=T0 + timedelta(seconds=299), count=count)
    assert (first.value, first.as_of) == (again.value, again.as_of) == (1, T0)
    later = kept.kept(("page", Scope(None)), seconds=300, now=T0 + timedelta(seconds=300), count=count)
    assert (later.value, later.as_of, len(calls)) == (2, T0 + timedelta(seconds=300), 2)


def test_nothing_is_kept_when_the_setting_is_zero():
    calls, count = _counter()
    for _ in range(3):
        assert kept.kept(("page", Scope(None)), seconds=0, now=T0, count=count).as_of == T0
    assert len(calls) == 3


def test_forgetting_one_scope_keeps_the_others():
    ours, theirs = Scope(frozenset({1})), Scope(frozenset({2}))
    calls, count = _counter()
    for scope in (ours, theirs):
        kept.kept(("reach", scope), seconds=300, now=T0, count=count)
    kept.forget(ours)
    assert kept.kept(("reach", theirs), seconds=300, now=T0, count=count).value == 2
    assert kept.kept(("reach", ours), seconds=300, now=T0, count=count).value == 3


@pytest.fixture
def app(make_app):
    app = make_app(PROGRAM_CACHE_SECONDS=300)
    with app.app_context():
        yield app


@pytest.fixture
def clock(monkeypatch):
    moment = [program_cohort.NOW]
    monkeypatch.setattr("eventsapp.web.program.utcnow", lambda: moment[0])
    return moment


def test_the_reach_list_is_counted_again_after_five_minutes_and_its_download_at_once(client, app, clock):
    cohort = program_cohort.build()
    log_in(client, make_coordinator(make_user("Cora", stage="faculty"), cohort.cardiology))
    page = client.get("/program/reach").get_data(as_text=True)
    assert "Figures as of 00:00" in page  # NOW is midnight in New York
    quiet = make_user("Zed Quiet", department=cohort.cardiology)
    quiet.created_at = program_cohort.NOW - timedelta(days=40)
    db.session.commit()
    clock[0] += timedelta(minutes=4)
    with counting(db.engine) as queries:
        page = client.get("/program/reach").get_data(as_text=True)
    assert "Zed Quiet" not in page and "Figures as of 00:00" in page
    assert "Zed Quiet" in client.get("/program/reach.csv").get_data(as_text=True)
    clock[0] += timedelta(minutes=1)
    with counting(db.engine) as recounted:
        page = client.get("/program/reach").get_data(as_text=True)
    assert "Zed Quiet" in page and "Figures as of 00:05" in page
    assert len(queries) < len(recounted)


def test_a_requirement_set_elsewhere_shows_at_once(client, make_app, monkeypatch):
    first = _first_day()
    with make_app(PROGRAM_CACHE_SECONDS=300, PROGRAM_YEAR_START=first.strftime("%m-%d")).app_context():
        now = utcnow()
        monkeypatch.setattr("eventsapp.web.program.utcnow", lambda: now)
        cohort = attendance_cohort.build(datetime.combine(first, time(0), ZONE), now)
        log_in(client, make_user("Adam", role="admin"))
        page = client.get("/program/attendance").get_data(as_text=True)
        assert "5 of 8 below their requirement" in page and CLUB_ROW not in page
        # As another server process would: the row changes, nothing here is told.
        db.session.get(Series, cohort.club.id).required_percent = 60
        db.session.commit()
        page = client.get("/program/attendance").get_data(as_text=True)
        assert CLUB_ROW in page and f"Figures as of {now.astimezone(ZONE):%H:%M}" in page
