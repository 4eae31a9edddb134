"""A weekly series whose first meeting falls in the spring-forward gap keeps
the time the organizer entered: 02:30 in New York is 03:30 on the day the
clocks go forward and 02:30 every week after, in the app and in every
calendar reader."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from eventsapp.events.models import Event
from eventsapp.ical import export
from eventsapp.ical import public as public_feeds
from tests.ical_readers import READERS, SPAN_READERS
from tests.test_events_views import events, form, organizer  # noqa: F401  (fixture)
from tests.test_events_wallclock import NEW_YORK, confirmation, next_change

UTC = UTC
LINKS = export.Links(host="rounds.example", event_url_head="https://rounds.example/events/")


def create_gap_series(client) -> tuple:
    """02:30–03:15 every week from the day New York's clocks go forward,
    confirmed as the form shows it; returns that day and the form's data."""
    gap = next_change(forward=True)
    data = form(
        start_date=gap.isoformat(),
        start_time="02:30",
        end_time="03:15",
        repeat="weekly",
        repeat_until=(gap + timedelta(days=14)).isoformat(),
    )
    shown = client.post("/events/new", data=data)
    assert shown.status_code == 422 and "it would be 03:30–04:15." in shown.get_data(as_text=True)
    saved = client.post("/events/new", data=data | {"confirmed_times": confirmation(shown.get_data(as_text=True))})
    assert saved.status_code == 302
    return gap, data


def feed(session, gap) -> str:
    session.rollback()  # see what the requests saved
    now = datetime.combine(gap - timedelta(days=30), time(12), tzinfo=UTC)
    return public_feeds.public_feed(session, public_feeds.PublicFilters(), LINKS, now, "Events").body.decode()


def expected_starts(gap) -> list[datetime]:
    # 03:30 EDT on the day of the change, then 02:30 EDT.
    return [
        datetime.combine(gap, time(7, 30), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=7), time(6, 30), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=14), time(6, 30), tzinfo=UTC),
    ]


def series_vevents(text: str) -> list:
    return icalendar.Calendar.from_ical(text).walk("VEVENT")


def test_the_feed_writes_the_series_at_the_time_entered_with_nothing_left_out(client, session, organizer):
    gap, _ = create_gap_series(client)
    assert [f"{e.starts_at.astimezone(NEW_YORK):%H:%M}" for e in events(session)] == ["03:30", "02:30", "02:30"]
    text = feed(session, gap)
    assert f"DTSTART;TZID=America/New_York:{gap:%Y%m%d}T023000" in text
    assert "RRULE:FREQ=WEEKLY" in text and "BYDAY=SU" in text
    assert "EXDATE" not in text
    vevents = series_vevents(text)
    assert {str(v["UID"]) for v in vevents} == {f"series-{events(session)[0].series_id}@rounds.example"}
    # The later meetings follow the rule: no VEVENT of their own.
    own_starts = [v.decoded("DTSTART").date() for v in vevents]
    assert gap + timedelta(days=7) not in own_starts and gap + timedelta(days=14) not in own_starts


@pytest.mark.slow
def test_every_reader_finds_the_meetings_where_the_app_holds_them(client, session, organizer):
    gap, _ = create_gap_series(client)
    text = feed(session, gap)
    stored = [e.starts_at for e in events(session)]
    assert stored == expected_starts(gap)
    window = (
        datetime.combine(gap - timedelta(days=7), time(0), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=21), time(0), tzinfo=UTC),
    )
    for name, reader in READERS.items():
        assert [start for _, start, _ in reader(text, *window)] == stored, name


@pytest.mark.slow
def test_every_reader_ends_each_meeting_45_minutes_after_it_starts(client, session, organizer):
    """Readers place a DTSTART the clocks skip alike, but not a DTEND beside
    it: one meeting an hour too long, or ending before it starts."""
    gap, _ = create_gap_series(client)
    text = feed(session, gap)
    spans = [(e.starts_at, e.ends_at) for e in events(session)]
    assert {end - start for start, end in spans} == {timedelta(minutes=45)}
    window = (
        datetime.combine(gap - timedelta(days=7), time(0), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=21), time(0), tzinfo=UTC),
    )
    for name, reader in SPAN_READERS.items():
        assert reader(text, *window) == spans, name


def test_editing_the_whole_series_from_its_first_meeting_keeps_the_time_entered(client, session, organizer):
    gap, data = create_gap_series(client)
    first = events(session)[0]
    # The edit form shows where the first meeting really is: 03:30.
    edit = data | {
        "start_time": "03:30",
        "end_time": "04:15",
        "location": "Room 9",
        "scope": "following",
        "version": str(first.version),
        "repeat": "none",
    }
    assert client.post(f"/events/{first.id}/edit", data=edit).status_code == 302
    meetings = events(session)
    assert [f"{e.starts_at.astimezone(NEW_YORK):%H:%M}" for e in meetings] == ["03:30", "02:30", "02:30"]
    assert {e.location for e in meetings} == {"Room 9"}
    text = feed(session, gap)
    assert f"DTSTART;TZID=America/New_York:{gap:%Y%m%d}T023000" in text and "EXDATE" not in text
    assert len({str(v["UID"]) for v in series_vevents(text)}) == 1


def test_a_later_meeting_edited_with_the_following_ones_splits_the_series_at_the_time_entered(
    client, session, organizer
):
    gap, data = create_gap_series(client)
    second = events(session)[1]
    edit = data | {
        "start_date": (gap + timedelta(days=7)).isoformat(),
        "start_time": "02:30",
        "end_time": "03:15",
        "location": "Room 9",
        "scope": "following",
        "version": str(second.version),
        "repeat": "none",
    }
    assert client.post(f"/events/{second.id}/edit", data=edit).status_code == 302
    text = feed(session, gap)
    assert "EXDATE" not in text
    assert text.count(f"DTSTART;TZID=America/New_York:{gap:%Y%m%d}T023000") == 1  # the first series
    assert f"DTSTART;TZID=America/New_York:{gap + timedelta(days=7):%Y%m%d}T023000" in text
    assert len({str(v["UID"]) for v in series_vevents(text)}) == 2
    window = (
        datetime.combine(gap - timedelta(days=7), time(0), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=21), time(0), tzinfo=UTC),
    )
    for name, reader in READERS.items():
        assert [start for _, start, _ in reader(text, *window)] == expected_starts(gap), name


@pytest.mark.slow
def test_a_cancelled_meeting_in_the_gap_is_left_out_by_every_reader(client, session, organizer):
    gap, _ = create_gap_series(client)
    first = events(session)[0]
    assert client.post(f"/events/{first.id}/cancel", data={"scope": "this"}).status_code == 302
    text = feed(session, gap)
    assert f"EXDATE;TZID=America/New_York:{gap:%Y%m%d}T023000" in text
    window = (
        datetime.combine(gap - timedelta(days=7), time(0), tzinfo=UTC),
        datetime.combine(gap + timedelta(days=21), time(0), tzinfo=UTC),
    )
    for name, reader in READERS.items():
        assert [start for _, start, _ in reader(text, *window)] == expected_starts(gap)[1:], name


def test_series_rows_from_before_the_entered_time_was_kept_still_read_their_start(session, client, organizer):
    gap, _ = create_gap_series(client)
    series = events(session)[0].series
    session.execute(sa.update(type(series)).values(wall_start=None))
    session.commit()
    session.expire_all()
    assert f"{session.get(Event, events(session)[1].id).series.local_start:%H:%M}" == "03:30"
