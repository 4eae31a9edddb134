"""Attendance records and requirements, counted by hand (tests/attendance_cohort.py),
and the certificate of attendance as the member downloads it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.attendance import certificate, certificates, records
from eventsapp.attendance.models import CheckIn
from eventsapp.extensions import db
from eventsapp.program import requirements
from eventsapp.program.coordinators import Scope
from tests import attendance_cohort
from tests.test_query_counts import counting

#: Midnight in New York on 1 July: the year's first moment.
START = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
NOW = START + timedelta(days=60)


@pytest.fixture
def cohort(app):
    return attendance_cohort.build(START, NOW)


def _figures(found):
    return {(s.name, s.requirement.title): (s.attended, s.held, s.percent, s.below) for s in found}


def test_each_share_counts_the_meetings_held_since_the_year_or_registration(cohort):
    found = requirements.shares(db.session, Scope(frozenset({cohort.cardiology.id})), since=START, now=NOW)
    assert _figures(found) == {
        ("Ada", "Grand Rounds"): (4, 5, 80, False),
        ("Ben", "Grand Rounds"): (2, 5, 40, True),
        ("Cy", "Grand Rounds"): (1, 2, 50, True),
        ("Ada", "Morbidity and Mortality"): (1, 2, 50, False),
        ("Ben", "Morbidity and Mortality"): (0, 2, 0, True),
        ("Cy", "Morbidity and Mortality"): (1, 1, 100, False),
    }


def test_the_whole_hospital_adds_the_other_department_and_never_an_attending(cohort):
    found = _figures(requirements.shares(db.session, Scope(None), since=START, now=NOW))
    assert found[("Hal", "Grand Rounds")] == (3, 5, 60, True)
    assert not any(name in ("Dee", "Eli") for name, _ in found)  # an attending; a fellow since mid-year
    # (nor Zed, whose account is gone: his check-in leaves the others' counts as they were)
    assert len(found) == 8


def test_a_series_without_a_requirement_is_not_counted_and_removing_one_clears_it(cohort):
    requirements.set_requirement(db.session, cohort.mm.id, None, Scope(None))
    found = requirements.shares(db.session, Scope(None), since=START, now=NOW)
    assert {s.requirement.title for s in found} == {"Grand Rounds"}


def test_a_share_just_under_the_requirement_is_below_even_when_it_rounds_up():
    share = records.Share(1, "Ada", records.Requirement(1, "Grand Rounds", 70), held=23, attended=16)
    assert share.percent == 70 and share.below


def test_a_share_is_counted_in_a_fixed_number_of_queries(cohort):
    with counting(db.engine) as statements:
        requirements.shares(db.session, Scope(None), since=START, now=NOW)
    assert len(statements) == 2


def test_a_requirement_outside_one_to_a_hundred_is_refused_by_the_service_and_the_database(cohort):
    from eventsapp.errors import DomainError

    with pytest.raises(DomainError):
        requirements.set_requirement(db.session, cohort.rounds.id, 101, Scope(None))
    cohort.rounds.required_percent = 0
    with pytest.raises(Exception, match="(?i)check"):
        db.session.flush()
    db.session.rollback()


def test_a_member_sees_the_events_they_attended_grouped_by_academic_year(cohort):
    years = records.attended(
        db.session, cohort.people["ada"].id, lambda e: START.date() if e.starts_at >= START else None
    )
    assert [y.first_day for y in years] == [START.date(), None]
    assert len(years[0].events) == 6 and [e.title for e in years[1].events] == ["Grand Rounds"]
    assert years[0].events[0].starts_at > years[0].events[-1].starts_at  # latest first


def test_a_certificate_names_the_member_event_time_place_and_organizer(cohort):
    event, check_in = records.certificate_of(db.session, cohort.people["ada"].id, cohort.meetings["gr1"].id)
    made = certificates.certificate(event, check_in, name="Ada Łukasz", issuer="Mentor Rounds", key=b"k")
    assert made.when == "Thursday 2 July 2026, 12:00–13:00 EDT"
    assert (made.place, made.organizer) == ("Auditorium B", "Olu Organizer")
    body = certificate.build(made)
    assert body.startswith(b"%PDF") and body == certificate.build(made)  # the same bytes every time
    for text in (b"Ada Lukasz", b"Grand Rounds", b"Thursday 2 July 2026, 12:00-13:00 EDT", b"Olu Organizer"):
        assert text in body
    assert b"Certificate no. " + made.number.encode() in body and b"Mentor Rounds" in body
    assert b"/CreationDate (D:20260702170000Z)" in body  # the event's end, not the clock


def test_no_certificate_for_an_event_the_member_did_not_attend(cohort):
    from eventsapp.errors import NotFound

    with pytest.raises(NotFound):
        records.certificate_of(db.session, cohort.people["ben"].id, cohort.meetings["gr15"].id)


def test_certificate_numbers_differ_per_check_in_and_key():
    one, two = CheckIn(id=1, event_id=5, user_id=7), CheckIn(id=2, event_id=5, user_id=8)
    assert certificates.number(one, b"k") != certificates.number(two, b"k")
    assert certificates.number(one, b"k") != certificates.number(one, b"other")
    assert certificates.number(one, b"k").startswith("5-1-")


def test_a_coordinator_of_departments_sets_requirements_only_on_their_departments_series(app):
    from eventsapp.errors import NotAllowed
    from eventsapp.events.models import Series
    from tests.factories import make_department, make_event, make_user

    cardiology, surgery = make_department("Cardiology ward"), make_department("Surgery ward")
    organizer = make_user("Olu", role="organizer", stage="faculty")
    series = {}
    for title, department in (("Cardiology rounds", cardiology), ("Surgery club", surgery), ("Hospital talks", None)):
        now = datetime.now(UTC)
        series[title] = Series(frequency="weekly", interval=1, until=now.date(), timezone="UTC", starts_at=now)
        db.session.add(series[title])
        make_event(organizer, title=title, series=series[title], department=department)
    scope = Scope(frozenset({cardiology.id}))
    assert [title for _, title in requirements.series_choices(db.session, scope)] == ["Cardiology rounds"]
    for title in ("Surgery club", "Hospital talks"):
        with pytest.raises(NotAllowed):
            requirements.set_requirement(db.session, series[title].id, 70, scope)
    requirements.set_requirement(db.session, series["Cardiology rounds"].id, 70, scope)
    assert series["Cardiology rounds"].required_percent == 70
    assert len(requirements.series_choices(db.session, Scope(None))) == 3  # an admin's, or the whole hospital's
