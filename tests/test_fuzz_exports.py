"""Calendar files and CSV with hostile text: line breaks that would add
calendar properties or events, quotes and semicolons that would add
parameters, and cells a spreadsheet would run as formulas.

First the pure builders with any text at all (including what no form lets
through), then the whole path: typed into the forms, downloaded from the
app, read back by a calendar parser and a CSV reader.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsapp.accounts.models import User
from eventsapp.attendance.csvexport import FORMULA_STARTS, to_csv
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build, text
from eventsapp.text import clean
from tests import fuzzing
from tests.factories import make_rsvp, make_user
from tests.fuzzing import FUZZ, STATS, capture_errors, check_csv, check_ics, login_as

# Hypothesis fuzzing: make test-fast leaves it out.
pytestmark = pytest.mark.slow

hostile = st.one_of(fuzzing.any_text, st.sampled_from(fuzzing.LINE_INJECTION + fuzzing.FORMULAS + fuzzing.MARKUP))
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _ics_event(summary, description, location, organizer, category) -> IcsEvent:
    start = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)
    return IcsEvent(
        uid="event-1@mentor-rounds.local",
        summary=summary,
        start=start,
        end=start + timedelta(hours=1),
        tzid="UTC",
        created=NOW,
        last_modified=NOW,
        sequence=0,
        description=description,
        location=location,
        categories=(category,),
        organizer_name=organizer,
    )


def _same(read: str, written: str) -> bool:
    """Equal, allowing for what parsers trim: blanks around a parameter and a
    byte-order mark (U+FEFF) at the start of a value."""

    def trim(value: str) -> str:
        return value.strip().lstrip("\ufeff").strip()

    return read == written or trim(read) == trim(written)


@settings(FUZZ, max_examples=100)
@given(summary=hostile, description=hostile, location=hostile, organizer=hostile, category=hostile, name=hostile)
def test_calendar_text_stays_inside_its_property(summary, description, location, organizer, category, name):
    body = build(IcsCalendar([_ics_event(summary, description, location, organizer, category)], name=name))
    STATS["examples"] += 1
    calendar = check_ics(body, "builder")
    [event] = calendar.walk("VEVENT")
    assert _same(str(event["SUMMARY"]), text(summary))
    for prop, value in (("DESCRIPTION", description), ("LOCATION", location)):
        assert _same(str(event.get(prop, "")), text(value))
    if organizer:
        assert _same(event["ORGANIZER"].params["CN"], text(organizer))
    if name:
        # icalendar reads X- properties raw; unescape them as the TEXT they are.
        raw = str(calendar["X-WR-CALNAME"])
        assert _same(re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw), text(name))


def test_an_organizer_name_ending_in_a_backslash_stays_in_its_parameter():
    body = build(IcsCalendar([_ics_event("Rounds", "", "", "Ada\\", "Cardiology")]))
    [event] = check_ics(body, "builder").walk("VEVENT")
    assert event["ORGANIZER"].params["CN"] == "Ada\\"


def test_an_organizer_name_with_tabs_at_its_ends_keeps_them():
    body = build(IcsCalendar([_ics_event("Rounds", "", "", "\tAda\t", "Cardiology")]))
    [event] = check_ics(body, "builder").walk("VEVENT")
    assert event["ORGANIZER"].params["CN"] == "\tAda\t"


@settings(FUZZ, max_examples=100)
@given(rows=st.lists(st.lists(hostile, min_size=3, max_size=3), max_size=4))
def test_csv_cells_come_back_as_typed_and_never_as_formulas(rows):
    body = to_csv(["Name", "Email", "Note"], rows).encode()
    STATS["examples"] += 1
    parsed = check_csv(body, "csv")
    assert len(parsed) == len(rows) + 1
    for typed_row, read_row in zip(rows, parsed[1:], strict=True):
        for typed, read in zip(typed_row, read_row, strict=True):
            assert read == ("'" + typed if typed.startswith(FORMULA_STARTS) else typed)


# --- Through the app -------------------------------------------------------------


def _typed(draw_from):
    """Text a form accepts (a letter in it) carrying a payload somewhere."""
    return st.builds(lambda a, b: f"{a}{b}", draw_from, st.sampled_from(fuzzing.WORDS)).filter(
        lambda s: "\x00" not in s
    )


single_line = st.one_of(
    st.sampled_from(fuzzing.LINE_INJECTION + fuzzing.FORMULAS + fuzzing.MARKUP),
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=30),
)


def test_typed_text_round_trips_through_calendars_and_the_attendance_csv(app, client):
    organizer = make_user("Grace Lindqvist", role="organizer", stage="faculty")
    errors = capture_errors(app)
    day = date.today()
    accepted = []

    @settings(FUZZ, max_examples=15)
    @given(
        title=_typed(single_line),
        location=_typed(single_line),
        description=_typed(single_line),
        organizer_name=_typed(single_line),
        member_name=_typed(single_line),
        guest=_typed(single_line),
    )
    def fuzz(title, location, description, organizer_name, member_name, guest):
        as_organizer = app.test_client()
        login_as(as_organizer, organizer.id)
        profile = {
            "name": organizer_name,
            "career_stage": "faculty",
            "intro_capacity": "3",
            "attendance_visibility": "members",
            "timezone": "",
        }
        response = as_organizer.post("/profile/edit", data=profile)
        assert response.status_code in (302, 422), errors.last()
        start = (datetime.now(UTC) + timedelta(minutes=10)).astimezone()
        response = as_organizer.post(
            "/events/new",
            data={
                "title": title,
                "kind": "meeting",
                "timezone": "UTC",
                "start_date": start.astimezone(UTC).date(),
                "start_time": start.astimezone(UTC).strftime("%H:%M"),
                "end_date": (day + timedelta(days=1)),
                "end_time": "23:00",
                "location": location,
                "description": description,
                "repeat": "none",
            },
        )
        assert response.status_code < 500, errors.last()
        if response.status_code != 302:
            return  # refused (e.g. too long); the forms fuzzing checks that nothing was saved
        event_id = int(re.search(r"/events/(\d+)", response.headers["Location"]).group(1))
        STATS["examples"] += 1
        accepted.append(event_id)
        member = make_user(member_name)
        make_rsvp(db.session.get(Event, event_id), member)
        response = as_organizer.post(f"/events/{event_id}/check-ins", data={"guest_name": guest})
        assert response.status_code == 302, errors.last()

        db.session.expire_all()
        event = db.session.get(Event, event_id)
        stored_organizer = db.session.get(User, organizer.id).name
        # What the forms stored is what was typed, cleaned of control characters.
        assert event.title == clean(title) and event.location == clean(location)
        assert event.description == clean(description, multiline=True)

        feeds = [as_organizer.get(f"/events/{event_id}.ics"), as_organizer.get("/calendar/events.ics")]
        as_organizer.post("/calendar/feed")
        page = as_organizer.get(f"/people/{organizer.id}").get_data(as_text=True)
        token = re.search(r"/calendar/([\w-]+)\.ics", page).group(1)
        as_member = app.test_client()
        login_as(as_member, member.id)
        as_member.post("/calendar/feed")
        member_page = as_member.get(f"/people/{member.id}").get_data(as_text=True)
        member_token = re.search(r"/calendar/([\w-]+)\.ics", member_page).group(1)
        feeds += [as_organizer.get(f"/calendar/{token}.ics"), as_member.get(f"/calendar/{member_token}.ics")]
        for feed in feeds:
            assert feed.status_code == 200, errors.last()
            calendar = check_ics(feed.data, feed.request.path)
            mine = [e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"event-{event_id}@")]
            if feed.request.path == f"/calendar/{token}.ics":
                continue  # the organizer did not answer: their own feed lists what they answered
            [vevent] = mine
            assert str(vevent["SUMMARY"]) == text(event.title)
            assert str(vevent["LOCATION"]) == text(event.location)
            assert text(event.description) in str(vevent["DESCRIPTION"])
            if "ORGANIZER" in vevent:
                assert vevent["ORGANIZER"].params["CN"] == text(stored_organizer)

        sheet = as_organizer.get(f"/events/{event_id}/attendees.csv")
        assert sheet.status_code == 200, errors.last()
        names = [row[0] for row in check_csv(sheet.data, "attendees.csv")[1:]]
        stored_guest = clean(guest)
        expected = {("'" + n if n.startswith(FORMULA_STARTS) else n) for n in (member.name, stored_guest)}
        assert expected <= set(names), (expected, names)

    fuzz()
    # Refused examples return early: make sure the round trip was tested at all.
    assert accepted, "no example got through the event form"
