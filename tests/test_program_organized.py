"""Your events' attendance: every figure of a hand-counted world (see
tests/organized_cohort.py), who sees which events, the chart, the CSV and
the cost."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from eventsapp.extensions import db
from eventsapp.program import organized
from eventsapp.timeutil import utcnow
from tests.factories import make_user
from tests.organized_cohort import build, more_meetings
from tests.security_routes import log_in
from tests.test_query_counts import counting

DAY = timedelta(days=1)


@pytest.fixture
def year_began_60_days_ago(app):
    began = date.today() - 60 * DAY
    app.config["PROGRAM_YEAR_START"] = f"{began.month:02d}-{min(began.day, 28):02d}"


def _figures(viewer_id):
    now = utcnow()
    return organized.organized_figures(
        db.session, viewer_id=viewer_id, start=now - 60 * DAY, end=now + 300 * DAY, now=now
    )


def _counts(meeting):
    m = meeting
    return (m.cancelled, m.ended, m.capacity, m.going, m.checked_in, m.guests, m.show_rate, m.waitlist_peak)


def test_every_figure_of_the_series_is_counted_as_by_hand(app):
    cohort = build()
    series, singles = _figures(cohort.olga.id)
    assert series.series_id == cohort.series_id and series.title == "Morning report"
    assert [m.id for m in series.meetings] == [cohort.events[k] for k in ("m1", "m2", "m3", "m4")]
    assert [_counts(m) for m in series.meetings] == [
        (False, True, 3, 3, 2, 1, 67, 2),
        (False, True, 3, 3, 3, 0, 100, 1),  # Dee's answer and check-in stay, without her name
        (True, True, 3, 2, 0, 0, None, 0),  # cancelled: no show rate
        (False, True, 3, 3, 1, 0, 33, 0),
    ]
    assert (len(series.held), series.show_rate, series.highest_peak) == (3, 67, 2)
    assert (series.trend.earlier, series.trend.later, series.trend.word) == (2.0, 1.0, "Falling")
    assert singles.series_id is None
    assert [(m.title, _counts(m), m.peak_complete) for m in singles.meetings] == [
        ("Case conference", (False, True, None, 2, 1, 0, 50, 0), False),
        ("Welcome drinks", (False, False, 1, 1, 0, 0, None, 1), True),
    ]


def test_admins_see_every_event_of_the_year_and_others_only_theirs(app):
    cohort = build()
    everyone = {m.title for group in _figures(None) for m in group.meetings}
    assert everyone == {"Morning report", "Case conference", "Welcome drinks", "Otto's club"}
    otto = {m.title for group in _figures(cohort.otto.id) for m in group.meetings}
    assert otto == {"Case conference", "Otto's club"}
    assert _figures(make_user("Nobody", role="organizer").id) == []


def test_the_trend_compares_the_later_half_with_the_earlier():
    assert organized.trend([1]) is None
    assert organized.trend([4, 9, 6]).word == "Rising"  # 4 against 6, the middle left out
    assert organized.trend([10, 10, 9, 10]).word == "Steady"
    assert organized.trend([0, 1]).word == "Rising"


def _rows(page: str, heading_id: str) -> list[list[str]]:
    section = page.split(f'id="{heading_id}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S)
    ]


def test_the_page_shows_the_organizers_figures(client, year_began_60_days_ago):
    cohort = build()
    log_in(client, cohort.olga)
    page = client.get("/events/analytics").get_data(as_text=True)
    rows = [row[1:] for row in _rows(page, f"series-{cohort.series_id}")]
    assert rows == [
        ["3", "3", "2", "1", "67%", "2"],
        ["3", "3", "3", "0", "100%", "1"],
        ["3", "2", "0", "0", "—", "0"],
        ["3", "3", "1", "0", "33%", "0"],
    ]
    assert "Cancelled" in _rows(page, f"series-{cohort.series_id}")[2][0]
    singles = _rows(page, "series-one-off")
    assert [row[1:] for row in singles] == [["—", "2", "1", "0", "50%", "0*"], ["1", "1", "—", "—", "—", "1"]]
    assert "Counted since records began" in page
    assert "Falling" in page and "67%" in page
    assert f'src="/events/analytics/series/{cohort.series_id}.svg"' in page
    assert "Otto&#39;s club" not in page and "Last year" not in page


def test_the_figures_download_as_csv(client, year_began_60_days_ago):
    cohort = build()
    log_in(client, cohort.olga)
    response = client.get("/events/analytics.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == (
        "Series,Event,Starts,Status,Capacity,Going,Checked in,Guests by name,Show rate (%),Waitlist peak,Peak counted"
    )
    cells = [line.split(",") for line in lines[1:]]
    assert [c[:2] + c[3:] for c in cells[:4]] == [
        ["Morning report", "Morning report", "Held", "3", "3", "2", "1", "67", "2", "from the start"],
        ["Morning report", "Morning report", "Held", "3", "3", "3", "0", "100", "1", "from the start"],
        ["Morning report", "Morning report", "Cancelled", "3", "2", "0", "0", "", "0", "from the start"],
        ["Morning report", "Morning report", "Held", "3", "3", "1", "0", "33", "0", "from the start"],
    ]
    assert lines[5] == 'Morning report,"Summary: 3 held, falling",,,,9,,,67,2,'
    assert [c[:2] + c[3:] for c in cells[5:]] == [
        ["", "Case conference", "Held", "", "2", "1", "0", "50", "0", "since records began"],
        ["", "Welcome drinks", "Upcoming", "1", "1", "", "", "", "1", "from the start"],
    ]


def test_the_series_chart_is_an_svg_with_its_own_policy(client, year_began_60_days_ago):
    cohort = build()
    log_in(client, cohort.olga)
    response = client.get(f"/events/analytics/series/{cohort.series_id}.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
    body = response.get_data(as_text=True)
    assert "<script" not in body and "Morning report" in body


def test_other_organizers_and_members_are_refused(client, year_began_60_days_ago):
    cohort = build()
    log_in(client, cohort.otto)
    assert client.get(f"/events/analytics/series/{cohort.series_id}.svg").status_code == 403
    assert client.get("/events/analytics/series/999999.svg").status_code == 404
    log_in(client, make_user("Ida Intern"))
    for url in ("/events/analytics", "/events/analytics.csv", f"/events/analytics/series/{cohort.series_id}.svg"):
        assert client.get(url).status_code == 403, url


def test_an_organizer_without_events_is_told_what_to_do(client, year_began_60_days_ago):
    log_in(client, make_user("New Organizer", role="organizer", stage="faculty"))
    page = client.get("/events/analytics").get_data(as_text=True)
    assert "You organize no event this academic year yet" in page


def test_the_page_costs_the_same_for_more_events_and_people(client, year_began_60_days_ago):
    cohort = build()
    log_in(client, cohort.olga)
    with counting(db.engine) as few:
        assert client.get("/events/analytics").status_code == 200
    more_meetings(cohort, 6)
    with counting(db.engine) as many:
        page = client.get("/events/analytics").get_data(as_text=True)
    assert "Extra event 5" in page
    assert len(many) == len(few)


def test_the_page_is_accessible_in_structure(client, year_began_60_days_ago):
    from tests.a11y import problems

    cohort = build()
    log_in(client, cohort.olga)
    assert problems(client.get("/events/analytics").get_data(as_text=True)) == []


def test_the_demo_organizer_has_held_meetings_with_check_ins_and_a_waitlist(runner, client, session):
    import sqlalchemy as sa

    from eventsapp.accounts.models import User

    runner.invoke(args=["seed-demo"])
    session.rollback()
    grace = session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
    groups = _figures(grace.id)
    club = next(g for g in groups if g.title == "Cardiology Journal Club")
    # The club fills every time: 21 answer going for its 14 seats, so 7 wait; who comes is drawn at random.
    assert club.held and all(m.waitlist_peak == 7 and m.going == 14 for m in club.meetings)
    assert any(m.checked_in for group in groups if group.series_id for m in group.held)
    log_in(client, grace)
    assert "Cardiology Journal Club" in client.get("/events/analytics").get_data(as_text=True)


def test_a_series_page_leads_its_organizer_to_the_figures(client, year_began_60_days_ago):
    cohort = build()
    link = f'href="/events/analytics#series-{cohort.series_id}"'
    log_in(client, cohort.olga)
    assert link in client.get(f"/events/series/{cohort.series_id}").get_data(as_text=True)
    log_in(client, cohort.otto)
    assert link not in client.get(f"/events/series/{cohort.series_id}").get_data(as_text=True)
    log_in(client, cohort.olga)
    assert 'href="/events/analytics"' in client.get("/events/organizing").get_data(as_text=True)


def test_a_series_without_meetings_this_year_still_draws_an_empty_chart(client):
    from eventsapp.events.models import Series

    series = Series(frequency="weekly", interval=1, until=date.today(), timezone="UTC", starts_at=utcnow() - 900 * DAY)
    db.session.add(series)
    db.session.commit()
    log_in(client, make_user("Adam", role="admin"))
    response = client.get(f"/events/analytics/series/{series.id}.svg")
    assert response.status_code == 200 and "No meetings this year" in response.get_data(as_text=True)
