"""Calendar export, checked by three independent readers."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from eventsapp.events import services as events
from eventsapp.events.models import Event
from eventsapp.events.recurrence import Recurrence
from eventsapp.ical import export
from eventsapp.ical import public as public_feeds
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build
from tests.factories import make_department, make_event, make_rsvp, make_user, specialty
from tests.ical_readers import READERS

NY = ZoneInfo("America/New_York")
UTC = UTC
LINKS = export.Links(host="rounds.example", event_url_head="https://rounds.example/events/")
# A fixed "now" before the series below, so the feed window is the same on any day.
NOW = datetime(2027, 10, 1, tzinfo=UTC)


def details(title="Cardiology Grand Rounds", day=date(2027, 10, 19), **changes):
    values = dict(
        title=title,
        kind="meeting",
        timezone="America/New_York",
        start_date=day,
        start_time=time(7, 30),
        end_time=time(8, 30),
        location="Auditorium B",
        specialty_ids=[specialty("Cardiology").id],
    )
    values.update(changes)
    return events.EventDetails(**values)


@pytest.fixture
def organizer(session):
    return make_user("Grace Lindqvist", role="organizer", stage="faculty")


@pytest.fixture
def series_across_dst(session, organizer):
    """Weekly 07:30 New York meetings from 19 Oct to 30 Nov 2027 (clocks go
    back on 7 Nov): the 26 Oct meeting cancelled, the 16 Nov one moved to 09:00."""
    first = events.create_event(session, organizer, details(), Recurrence("weekly", 1, date(2027, 11, 30)))
    meetings = session.scalars(
        sa.select(Event).where(Event.series_id == first.series_id).order_by(Event.starts_at)
    ).all()
    events.cancel_event(session, organizer, meetings[1].id)
    moved = meetings[4]
    events.update_event(
        session,
        organizer,
        moved.id,
        details(day=date(2027, 11, 16), start_time=time(9, 0), end_time=time(10, 0)),
        version=moved.version,
    )
    return first.series_id


def expected(*moments):
    return sorted(("Cardiology Grand Rounds", m, "CONFIRMED") for m in moments)


def public(session, **filters):
    return public_feeds.public_feed(session, public_feeds.PublicFilters(**filters), LINKS, NOW, "Events").body.decode()


@pytest.mark.slow
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_sees_the_apps_meetings_in_utc_across_daylight_saving(session, series_across_dst, reader):
    text = public(session)
    got = READERS[reader](text, datetime(2027, 10, 1, tzinfo=UTC), datetime(2027, 12, 31, tzinfo=UTC))
    assert got == expected(
        datetime(2027, 10, 19, 11, 30, tzinfo=UTC),  # summer time: 07:30 EDT
        datetime(2027, 11, 2, 11, 30, tzinfo=UTC),
        datetime(2027, 11, 9, 12, 30, tzinfo=UTC),  # winter time: 07:30 EST
        datetime(2027, 11, 16, 14, 0, tzinfo=UTC),  # moved to 09:00
        datetime(2027, 11, 23, 12, 30, tzinfo=UTC),
        datetime(2027, 11, 30, 12, 30, tzinfo=UTC),
    )


@pytest.mark.slow
def test_the_apps_own_occurrences_are_what_the_readers_expand(session, series_across_dst):
    ours = sorted(
        ("Cardiology Grand Rounds", e.starts_at, "CONFIRMED")
        for e in session.scalars(sa.select(Event).where(Event.series_id.is_not(None)))
        if not e.is_cancelled
    )
    for reader in READERS.values():
        assert reader(public(session), NOW, NOW + timedelta(days=120)) == ours


def test_a_series_is_one_vevent_with_rule_exclusion_and_override(session, series_across_dst):
    text = public(session)
    assert text.count("BEGIN:VEVENT") == 2
    assert "RRULE:FREQ=WEEKLY;UNTIL=20271201T045959Z;BYDAY=TU" in text
    assert "EXDATE;TZID=America/New_York:20271026T073000" in text
    assert "RECURRENCE-ID;TZID=America/New_York:20271116T073000" in text
    assert text.count("BEGIN:VTIMEZONE") == 1 and "RDATE:" in text


def test_the_same_data_gives_the_same_bytes(session, series_across_dst):
    assert public(session) == public(session)
    calendar = icalendar.Calendar.from_ical(public(session))
    stamps = {str(e["DTSTAMP"].to_ical()) for e in calendar.walk("VEVENT")}
    assert all(s.endswith("Z'") for s in stamps)


def test_feed_has_the_properties_calendar_apps_need(session, series_across_dst):
    text = public(session)
    for line in (
        "PRODID:-//Mentor Rounds//Hospital events//EN",
        "VERSION:2.0",
        "METHOD:PUBLISH",
        "NAME:Events",
        "X-WR-CALNAME:Events",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
        f"UID:series-{series_across_dst}@rounds.example",
        "CATEGORIES:Departmental meeting,Cardiology",
        'ORGANIZER;CN="Grace Lindqvist"',
        "URL:https://rounds.example/events/",
    ):
        assert line in text, line
    vevent = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    for prop in ("DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "STATUS", "DESCRIPTION"):
        assert prop in vevent, prop
    assert "Details and RSVP: https://rounds.example/events/" in str(vevent["DESCRIPTION"])


def test_changes_raise_the_sequence(session, organizer):
    event = events.create_event(session, organizer, details(day=date(2027, 10, 20)))
    first = icalendar.Calendar.from_ical(export.single_event(event, LINKS).body).walk("VEVENT")[0]
    events.update_event(
        session, organizer, event.id, details(day=date(2027, 10, 20), location="Room 9"), version=event.version
    )
    session.rollback()
    second = icalendar.Calendar.from_ical(export.single_event(session.get(Event, event.id), LINKS).body).walk("VEVENT")[
        0
    ]
    assert first["UID"] == second["UID"] == f"event-{event.id}@rounds.example"
    assert int(second["SEQUENCE"]) == int(first["SEQUENCE"]) + 1


def test_all_day_and_multi_day_events_use_dates_with_an_exclusive_end(session, organizer):
    event = events.create_event(
        session,
        organizer,
        details(
            title="Cardiovascular Symposium",
            kind="conference",
            all_day=True,
            start_time=None,
            end_time=None,
            day=date(2027, 10, 21),
            end_date=date(2027, 10, 22),
        ),
    )
    text = export.single_event(event, LINKS).body.decode()
    assert "DTSTART;VALUE=DATE:20271021" in text and "DTEND;VALUE=DATE:20271023" in text
    assert "BEGIN:VTIMEZONE" not in text
    for reader in READERS.values():
        [(summary, start, status)] = reader(text, datetime(2027, 10, 1, tzinfo=UTC), datetime(2027, 11, 1, tzinfo=UTC))
        assert summary == "Cardiovascular Symposium" and start.date() == date(2027, 10, 21)


def test_cancelled_events_stay_in_feeds_marked_cancelled(session, organizer):
    event = events.create_event(session, organizer, details(day=date(2027, 10, 20)))
    events.cancel_event(session, organizer, event.id)
    text = public(session)
    assert "STATUS:CANCELLED" in text and f"UID:event-{event.id}@" in text


def test_text_is_escaped_and_folded_without_splitting_characters():
    name = "Zoë Ağaoğlu, 心臓内科; 🫀 journal club\\ with a very long title that needs folding"
    item = IcsEvent(
        uid="e@x",
        summary=name,
        start=datetime(2027, 1, 5, 7, 30, tzinfo=NY),
        end=datetime(2027, 1, 5, 8, 30, tzinfo=NY),
        tzid="America/New_York",
        created=NOW,
        last_modified=NOW,
        sequence=0,
        description="Line one\nLine\x07 two",
        location="Room 1, Floor 2; East",
    )
    raw = build(IcsCalendar([item]))
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    for line in raw.split(b"\r\n"):
        line.decode("utf-8")  # every physical line is valid UTF-8 on its own
    text = raw.decode()
    assert "Zoë Ağaoğlu\\, 心臓内科\\; 🫀" in text.replace("\r\n ", "")
    vevent = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == name
    assert str(vevent["DESCRIPTION"]) == "Line one\nLine two"
    assert str(vevent["LOCATION"]) == "Room 1, Floor 2; East"
    for reader in READERS.values():
        [(summary, _, _)] = reader(text, datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC))
        assert summary == name


@pytest.mark.slow
@pytest.mark.parametrize("reader", READERS)
def test_several_zones_each_get_one_vtimezone_in_a_fixed_order(session, organizer, reader):
    events.create_event(session, organizer, details(day=date(2027, 10, 20)))
    events.create_event(
        session, organizer, details(title="London Rounds", day=date(2027, 10, 21), timezone="Europe/London")
    )
    events.create_event(
        session, organizer, details(title="Tokyo Rounds", day=date(2027, 10, 22), timezone="Asia/Tokyo")
    )
    text = public(session)
    zones = [line for line in text.splitlines() if line.startswith("TZID:")]
    assert zones == ["TZID:America/New_York", "TZID:Asia/Tokyo", "TZID:Europe/London"]
    got = READERS[reader](text, NOW, NOW + timedelta(days=60))
    assert ("London Rounds", datetime(2027, 10, 21, 6, 30, tzinfo=UTC), "CONFIRMED") in got
    assert ("Tokyo Rounds", datetime(2027, 10, 21, 22, 30, tzinfo=UTC), "CONFIRMED") in got


def test_public_feed_filters_like_the_event_list(session, organizer):
    surgery = make_department("Surgery")
    events.create_event(session, organizer, details(day=date(2027, 10, 20)))
    events.create_event(
        session, organizer, details(title="M&M", day=date(2027, 10, 21), department_id=surgery.id, specialty_ids=[])
    )
    assert "M&M" in public(session, department_id=surgery.id)
    assert "Cardiology Grand Rounds" not in public(session, department_id=surgery.id)
    assert "M&M" not in public(session, specialty_id=specialty("Cardiology").id)
    assert "Cardiology Grand Rounds" not in public(session, kind="social")


def test_public_feeds_never_name_attendees(session, organizer):
    event = events.create_event(session, organizer, details(day=date(2027, 10, 20)))
    make_rsvp(event, make_user("Secret Attendee"), "going")
    text = public(session)
    assert "Secret Attendee" not in text and "ATTENDEE" not in text and "@hospital.example" not in text


def test_an_all_day_series_keeps_its_length_across_daylight_saving(session, organizer):
    events.create_event(
        session,
        organizer,
        details(
            title="Weekend Course",
            kind="conference",
            all_day=True,
            start_time=None,
            end_time=None,
            day=date(2027, 3, 13),
            end_date=date(2027, 3, 14),
        ),
        Recurrence("weekly", 1, date(2027, 3, 27)),
    )
    text = public_feeds.public_feed(
        session, public_feeds.PublicFilters(), LINKS, datetime(2027, 3, 1, tzinfo=UTC), "E"
    ).body.decode()
    assert "DTSTART;VALUE=DATE:20270313" in text and "DTEND;VALUE=DATE:20270315" in text


def test_deleting_a_meeting_of_a_series_raises_the_series_sequence(session, organizer):
    first = events.create_event(session, organizer, details(), Recurrence("weekly", 1, date(2027, 11, 9)))
    meetings = session.scalars(
        sa.select(Event).where(Event.series_id == first.series_id).order_by(Event.starts_at)
    ).all()
    before = public(session)
    events.delete_event(session, organizer, meetings[2].id)
    after = public(session)
    assert "SEQUENCE:0" in before and "SEQUENCE:1" in after
    assert "EXDATE;TZID=America/New_York:20271102T073000" in after


def test_uids_do_not_depend_on_the_host_a_request_came_in_on(client):
    event = make_event()
    a = client.get(f"/events/{event.id}.ics", headers={"Host": "one.example"}).get_data(as_text=True)
    b = client.get(f"/events/{event.id}.ics", headers={"Host": "two.example"}).get_data(as_text=True)
    uid = f"UID:event-{event.id}@mentor-rounds.local"
    assert uid in a and uid in b


def test_a_typed_backslash_n_stays_text_and_a_calendar_name_may_hold_any_text():
    start = datetime(2027, 10, 19, 11, 30, tzinfo=UTC)
    item = IcsEvent(
        uid="event-1@test",
        summary=r"Notes \N on C:\Notes, part 1; draft",
        start=start,
        end=start + timedelta(hours=1),
        tzid="UTC",
        created=start,
        last_modified=start,
        sequence=0,
        location="Room\n4",
    )
    body = build(IcsCalendar([item], name="Ward rounds;\nnight, team"))
    [event] = icalendar.Calendar.from_ical(body).walk("VEVENT")
    assert str(event["SUMMARY"]) == r"Notes \N on C:\Notes, part 1; draft"
    assert str(event["LOCATION"]) == "Room\n4"
    assert b"X-WR-CALNAME:Ward rounds\\;\\nnight\\, team\r\n" in body
