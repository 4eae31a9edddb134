"""The program pages at scale: each runs the same number of statements for
a small cohort and a larger one, as an admin and as a coordinator limited to
a department, and the long lists show their first rows (the CSV holds them
all). The clock is pinned inside the hand-counted year (tests/program_cohort.py)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.mentorships.models import Meeting, Mentorship, Place
from eventsapp.program import reach, requirements
from tests import attendance_cohort, program_cohort
from tests.factories import make_department, make_rsvp, make_user
from tests.program_cohort import NOW, START, day
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import counting

# Builds the world twice per page and role: make test-fast leaves it out.
pytestmark = pytest.mark.slow

PAGES = [
    "/program/",
    "/program/weeks.csv",
    "/program/weeks.svg",
    "/program/reach",
    "/program/reach.csv",
    "/program/reach/nudge-all",
    "/program/demand",
    "/program/demand.csv",
    "/program/events",
    "/program/events.csv",
    "/program/series.csv",
    "/program/attendance",
    "/program/attendance.csv",
]


@pytest.fixture(autouse=True)
def pinned_clock(app, monkeypatch):
    """The pages count at the cohort's moment, whatever today is."""
    for module in ("eventsapp.web.program", "eventsapp.web.records"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: NOW)


def populate(n: int, ward, rounds):
    """n more interns of the ward at every step of the year (some joined
    late, some mentorships ended mid-year), n residents, and n meetings of a
    required series that they went to, each with a request made after it
    and a meeting logged at it."""
    olu = make_user(role="organizer", stage="attending")
    senior = make_user(stage="attending", open_to_interns=True, intro_capacity=10, interests=["Cardiology"])
    meetings, held = [], db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.series_id == rounds.id))
    for i in range(held, held + n):
        intern = make_user(department=ward, interests=["Cardiology"], helps=["clinical"])
        intern.created_at = day(-20) if i % 3 else day(10 + i)  # a third joined late
        make_user(department=ward, stage="resident", pgy_year=2).created_at = day(-20)
        meeting = attendance_cohort._meeting(rounds, "Grand Rounds", day(3 + i), olu)
        make_rsvp(meeting, intern, "going")
        db.session.add(CheckIn(event_id=meeting.id, user_id=intern.id, method="organizer", checked_in_at=day(3 + i)))
        asked = program_cohort._ask(intern, senior, day(4 + i), "accepted", day(5 + i))
        program_cohort._mentorship(asked, day(6 + i), closed=day(60) if i % 2 else None)
        program_cohort._ask(intern, olu, day(20 + i), "declined", day(21 + i))
        program_cohort._ask(make_user(department=ward), senior, day(40), "accepted", day(41))  # not met
        db.session.flush()
        mentorship = db.session.scalar(sa.select(Mentorship.id).where(Mentorship.intro_request_id == asked.id))
        db.session.add(
            Meeting(mentorship_id=mentorship, met_on=day(6 + i).date(), place=Place.EVENT, event_id=meeting.id)
        )
        meetings.append(meeting)
    db.session.commit()
    return meetings


def _statements(client, path: str) -> int:
    with counting(db.engine) as statements:
        assert client.get(path).status_code == 200, path
    return len(statements)


@pytest.mark.parametrize("who", ["admin", "coordinator"])
@pytest.mark.parametrize("path", PAGES)
def test_each_program_page_runs_as_many_statements_for_a_larger_cohort(client, app, path, who):
    ward = make_department("Cardiology ward")
    rounds = attendance_cohort._series(START, 70)
    viewer = make_user("Adam", role="admin") if who == "admin" else make_coordinator(make_user("Cora"), ward)
    log_in(client, viewer)
    populate(2, ward, rounds)
    few = _statements(client, path)
    populate(12, ward, rounds)
    many = _statements(client, path)
    assert few == many, f"{path} as {who}: {few} statements for a few interns, {many} for more"
    assert many <= 8, f"{path} as {who}: {many} statements"


def test_a_members_attendance_record_runs_as_many_statements_for_more_meetings(client, app):
    ward = make_department("Cardiology ward")
    rounds = attendance_cohort._series(START, 70)
    member = make_user("Ida", department=ward)
    log_in(client, member)

    def attend(n):
        for meeting in populate(n, ward, rounds):
            db.session.add(CheckIn(event_id=meeting.id, user_id=member.id, method="organizer"))
        db.session.commit()

    attend(2)
    few = _statements(client, "/attendance/")
    attend(12)
    assert _statements(client, "/attendance/") == few


def test_the_long_lists_show_their_first_rows_and_the_csv_holds_all(client, app, monkeypatch):
    ward = make_department("Cardiology ward")
    rounds = attendance_cohort._series(START, 70)
    populate(6, ward, rounds)
    monkeypatch.setattr(reach, "SHOWN", 2)
    monkeypatch.setattr(requirements, "SHOWN", 3)
    log_in(client, make_user("Adam", role="admin"))
    page = client.get("/program/reach").get_data(as_text=True)
    everyone = client.get("/program/reach.csv").get_data(as_text=True).splitlines()[1:]
    assert "2 listed on this page" in page and page.count('<th scope="row">') == 2
    names = list(dict.fromkeys(row.split(",")[0] for row in everyone))
    assert len(names) > 2 and all(f">{name}</a>" in page for name in names[:2])
    second = client.get("/program/reach?page=2").get_data(as_text=True)
    assert f">{names[2]}</a>" in second and f">{names[0]}</a>" not in second and "← Previous" in second
    last = client.get("/program/reach?page=999").get_data(as_text=True)  # past the end: the last page
    assert f">{names[-1]}</a>" in last and "Next →" not in last
    page = client.get("/program/attendance").get_data(as_text=True)
    assert "3 rows listed on this page (those below first)" in page
    assert page.count('class="row-below"') == 3  # who is below comes first
    rows = client.get("/program/attendance.csv").get_data(as_text=True).splitlines()[1:]
    below, pages = sum(row.endswith(",yes") for row in rows), -(-len(rows) // 3)
    last = client.get("/program/attendance?page=999").get_data(as_text=True)  # past the end: the last page
    assert f"Page {pages} of {pages}" in last and "Next →" not in last and "← Previous" in last
    assert last.count('class="row-below"') == max(0, below - 3 * (pages - 1))  # who is below came first
    assert len(client.get("/program/attendance.csv").get_data(as_text=True).splitlines()) > 4
