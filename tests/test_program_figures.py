"""The program's figures against a cohort counted by hand
(tests/program_cohort.py): the funnel, the weekly share and who to reach."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from eventsapp.program import funnel, reach
from eventsapp.program.coordinators import Scope
from eventsapp.program.services import current_year, weeks_rows
from eventsapp.program.year import add_months, parse_month_day, target_on, year_start
from tests import program_cohort
from tests.program_cohort import NOW, START, day

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def cohort(app):
    return program_cohort.build()


def counts(steps):
    return [(s.key, s.count, s.percent) for s in steps]


def test_funnel_counts_each_step_of_the_departments_interns(session, cohort):
    steps = funnel.funnel(session, Scope(frozenset({cohort.cardiology.id})), start=START, now=NOW)
    # Ada, Ben, Cy, Dee, Eve, Fin, Gus, Jo, Ned: not Hal (surgery), Ivy or Lou (residents now), Kim or Max (gone).
    assert counts(steps) == [
        ("registered", 9, 100),
        ("interests", 6, 67),  # not Dee, Fin, Ned
        ("asked", 6, 67),  # Ada, Ben, Cy, Dee, Jo, Ned (Gus asked before the year began)
        ("accepted", 4, 44),  # Ada, Ben, Dee, Jo (ended since)
        ("met", 3, 33),  # Ada, Ben, Jo
        ("active", 1, 11),  # Ada: Ben's began 70 days ago, Jo's is closed
    ]
    assert [s.of_previous for s in steps] == [None, 67, 100, 67, 75, 33]


def test_funnel_for_the_whole_hospital_adds_the_other_departments(session, cohort):
    steps = funnel.funnel(session, Scope(None), start=START, now=NOW)
    assert [s.count for s in steps] == [10, 7, 7, 5, 4, 2]  # and Hal, who did everything


def test_a_department_without_interns_shows_no_percentages(session, cohort):
    from tests.factories import make_department

    empty = make_department("Empty ward")
    steps = funnel.funnel(session, Scope(frozenset({empty.id})), start=START, now=NOW)
    assert [(s.count, s.percent, s.of_previous) for s in steps] == [(0, None, None)] * 6


def test_weekly_share_counts_mentorships_under_way_at_each_weeks_end(session, cohort):
    weeks = funnel.weeks(
        session,
        Scope(frozenset({cohort.cardiology.id})),
        start=START,
        now=NOW,
        target_at=day(92),
        percent=90,
    )
    table = {w.number: (w.interns, w.with_mentor, w.share, w.target) for w in weeks}
    assert len(weeks) == 18 and weeks[-1].ends == NOW  # the week under way counts up to now
    # Gus only; Fin not yet registered; not Kim (gone) or Ivy (a resident now), whose began on day 5.
    assert table[1] == (8, 1, 12, 7)
    assert table[2] == (8, 2, 25, 14)  # and Ada
    assert table[3] == (8, 3, 38, 21)  # and Jo
    assert table[8] == (8, 4, 50, 55)  # and Ben
    assert table[9] == (8, 3, 38, 62)  # Jo's closed
    assert table[14] == (8, 3, 38, 90)  # the target date has passed
    assert table[15] == (9, 3, 33, 90)  # Fin joined
    rows = weeks_rows(weeks, NEW_YORK)
    assert rows[0] == [1, "2026-07-07", 8, 1, "12", 7]  # week 1 is 1 to 7 July
    assert rows[-1][1] == "2026-10-28"  # the week under way, up to now (midnight: the 28th was the last day)


def test_interns_to_reach_and_why(session, cohort):
    people = reach.interns_to_reach(session, Scope(frozenset({cohort.cardiology.id})), NOW)
    assert [(p.name, p.reasons) for p in people] == [
        ("Cy", [(reach.Reason.TURNED_DOWN, day(21))]),
        ("Dee", [(reach.Reason.NOT_MET, day(61))]),
        ("Eve", [(reach.Reason.NO_REQUEST, day(2))]),
        ("Ned", [(reach.Reason.TURNED_DOWN, day(94))]),
    ]  # not Fin (registered 20 days ago), Lou (declined as an intern, a resident now) or Max (gone)


def test_the_reach_list_csv_keeps_formulas_from_running(session, cohort):
    from eventsapp.attendance.csvexport import to_csv

    cohort.people["eve"].name = "=HYPERLINK(1)"
    session.commit()
    people = reach.interns_to_reach(session, Scope(None), NOW)
    body = to_csv(reach.REACH_HEADER, reach.reach_rows(people, lambda t: t.date().isoformat()))
    assert "'=HYPERLINK(1)" in body
    assert "Private words" not in body  # request messages never leave the requests


def test_a_new_request_takes_an_intern_off_the_turned_down_list(session, cohort):
    program_cohort._ask(cohort.people["cy"], cohort.senior, day(110), "pending", expires=day(124))
    session.commit()
    people = reach.interns_to_reach(session, Scope(None), NOW)
    assert "Cy" not in [p.name for p in people]


def test_an_intern_a_roster_invited_who_has_not_joined_is_left_to_the_roster(session, cohort):
    from eventsapp.accounts.passwords import AWAITING_INVITATION

    listed = [p.name for p in reach.interns_to_reach(session, Scope(None), NOW)]
    cohort.people["eve"].password_hash = AWAITING_INVITATION
    session.commit()
    assert "Eve" in listed
    assert [p.name for p in reach.interns_to_reach(session, Scope(None), NOW)] == [n for n in listed if n != "Eve"]


@pytest.mark.parametrize(
    ("today", "first"),
    [(date(2026, 7, 1), date(2026, 7, 1)), (date(2026, 6, 30), date(2025, 7, 1)), (date(2027, 1, 5), date(2026, 7, 1))],
)
def test_the_year_begins_on_the_latest_first_day(today, first):
    assert year_start(today, 7, 1) == first


def test_months_after_keep_the_day_or_the_months_last():
    assert add_months(date(2026, 7, 1), 3) == date(2026, 10, 1)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert parse_month_day("07-01") == (7, 1)
    with pytest.raises(ValueError):
        parse_month_day("02-30")


def test_the_target_rises_straight_to_its_date_and_stays():
    assert target_on(START, START, day(92), 90) == 0
    assert target_on(day(46), START, day(92), 90) == 45
    assert target_on(day(200), START, day(92), 90) == 90


def test_the_year_starts_at_midnight_at_the_hospital():
    year = current_year(
        datetime(2026, 7, 1, 3, 59, tzinfo=UTC), NEW_YORK, year_start_setting="07-01", target_months=3, percent=90
    )
    assert year.first_day == date(2025, 7, 1)  # still 30 June in New York
    year = current_year(NOW, NEW_YORK, year_start_setting="07-01", target_months=3, percent=90)
    assert (year.start, year.target_day) == (START, date(2026, 10, 1))


def test_the_chart_draws_the_same_svg_for_the_same_weeks_and_no_script():
    from datetime import timedelta

    from eventsapp.program.chart import weeks_svg
    from eventsapp.program.year import Week

    weeks = [Week(n, START + timedelta(days=7 * n), 10, n, min(90, 7 * n)) for n in range(1, 20)]
    label = lambda week: week.last_moment.astimezone(NEW_YORK).strftime("%-d %b")  # noqa: E731
    svg = weeks_svg(weeks, title="Interns with a mentor", day_label=label)
    assert svg == weeks_svg(weeks, title="Interns with a mentor", day_label=label)
    text = svg.decode()
    assert "<script" not in text and "Interns with a mentor" in text and "7 Jul" in text
    # A first week with nobody registered yet draws the target alone.
    assert b"<svg" in weeks_svg([Week(1, START + timedelta(days=7), 0, 0, 7)], title="x", day_label=label)
