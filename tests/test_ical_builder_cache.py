"""builder.build serialises each component on its own (and keeps the text):
the bytes must be those of the whole calendar serialised at once, and a
changed event must never come back as its old text."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from eventsapp.ical import builder

NY, LONDON = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
STAMP = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def items():
    start = datetime(2026, 3, 3, 7, 30, tzinfo=NY)
    weekly = builder.IcsEvent(
        uid="series-1@x",
        summary="Grand Rounds",
        start=start,
        end=start + timedelta(hours=1),
        tzid="America/New_York",
        created=STAMP,
        last_modified=STAMP,
        sequence=2,
        rrule="FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T035959Z",
        exdates=(start + timedelta(days=14),),
        categories=("Departmental meeting", "Cardiology"),
        organizer_name="Grace Lindqvist",
        description="Bring, commas; and a long line " * 5,
        location="Auditorium B",
        url="https://x/events/1",
    )
    moved = replace(
        weekly,
        recurrence_id=start + timedelta(days=7),
        start=start + timedelta(days=7, hours=1),
        end=start + timedelta(days=7, hours=2),
        rrule=None,
        exdates=(),
    )
    london = builder.IcsEvent(
        uid="event-2@x",
        summary="Journal club",
        start=datetime(2026, 4, 1, 18, tzinfo=LONDON),
        end=datetime(2026, 4, 1, 19, tzinfo=LONDON),
        tzid="Europe/London",
        created=STAMP,
        last_modified=STAMP,
        sequence=0,
        status="TENTATIVE",
    )
    all_day = builder.IcsEvent(
        uid="event-3@x",
        summary="Symposium",
        start=date(2026, 5, 4),
        end=date(2026, 5, 6),
        tzid="America/New_York",
        created=STAMP,
        last_modified=STAMP,
        sequence=1,
        status="CANCELLED",
    )
    return [weekly, moved, london, all_day]


def test_the_feed_is_byte_for_byte_the_whole_calendar_serialised_at_once():
    calendar = builder.IcsCalendar(items(), name="Maya's events", refresh=timedelta(hours=6))
    whole = builder.to_calendar(calendar)
    assert [(c.name, str(c.get("TZID", ""))) for c in whole.subcomponents] == [
        ("VTIMEZONE", "America/New_York"),
        ("VTIMEZONE", "Europe/London"),
        *[("VEVENT", "")] * 4,
    ]
    assert builder.build(calendar) == whole.to_ical()
    assert builder.build(calendar) == whole.to_ical()  # and again, from the kept text


def test_a_changed_event_is_never_served_from_its_old_text():
    first = items()
    builder.build(builder.IcsCalendar(first))
    moved = [
        replace(first[2], start=first[2].start + timedelta(hours=1), end=first[2].end + timedelta(hours=1)),
        replace(first[3], sequence=2, status="CONFIRMED"),
    ]
    body = builder.build(builder.IcsCalendar(moved)).decode()
    assert "DTSTART;TZID=Europe/London:20260401T190000" in body
    assert "SEQUENCE:2" in body and "STATUS:CONFIRMED" in body and "CANCELLED" not in body
