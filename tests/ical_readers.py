"""Independent readers of .ics files, for checking our exports.

Each returns the occurrences it expands in a window as (summary, start in
UTC, status) tuples. vobject and ical.js compute times from the VTIMEZONE in
the file; the others use the system's zone data.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream


def _utc(value) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, time(0), tzinfo=UTC)  # a date: compare as a day


def with_recurring_ical_events(text: str, start: datetime, end: datetime) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(text)
    return sorted(
        (str(e["SUMMARY"]), _utc(e.decoded("DTSTART")), str(e.get("STATUS", "")))
        for e in recurring_ical_events.of(calendar).between(start, end)
    )


def with_ical(text: str, start: datetime, end: datetime) -> list[tuple]:
    calendar = IcsCalendarStream.calendar_from_ics(text)
    found = calendar.timeline_tz(UTC).overlapping(start, end)
    return sorted((e.summary, _utc(e.dtstart), str(e.status.value) if e.status else "") for e in found)


def with_vobject(text: str, start: datetime, end: datetime) -> list[tuple]:
    calendar = vobject.readOne(text)
    found = []
    for event in calendar.vevent_list:
        if "recurrence-id" in event.contents:
            continue  # overrides are applied below, as a client would
        status = event.status.value if "status" in event.contents else ""
        starts = list(event.getrruleset(addRDate=True)) if "rrule" in event.contents else [event.dtstart.value]
        for moment in starts:
            if start <= _utc(moment) < end:
                found.append((event.summary.value, _utc(moment), status, event.uid.value))
    overrides = {
        (e.uid.value, _utc(e.recurrence_id.value)): e for e in calendar.vevent_list if "recurrence-id" in e.contents
    }
    result = []
    for summary, moment, status, uid in found:
        override = overrides.get((uid, moment))
        if override is not None:
            summary, moment = override.summary.value, _utc(override.dtstart.value)
            status = override.status.value if "status" in override.contents else ""
        result.append((summary, moment, status))
    return sorted(result)


JS_READER = Path(__file__).parent / "js" / "expand.mjs"


def ical_js_available() -> bool:
    return shutil.which("node") is not None and (JS_READER.parent / "node_modules" / "ical.js").is_dir()


def with_ical_js(text: str, start: datetime, end: datetime) -> list[tuple]:
    """Mozilla's ical.js, the parser inside Thunderbird, through node."""
    result = subprocess.run(
        ["node", str(JS_READER), start.isoformat(), end.isoformat()],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    found = []
    for summary, when, status in json.loads(result.stdout):
        moment = (
            datetime.fromisoformat(when.replace("Z", "+00:00"))
            if "T" in when
            else datetime.combine(date.fromisoformat(when), time(0), tzinfo=UTC)
        )
        found.append((summary, moment, status))
    return sorted(found)


def spans_with_ical_js(text: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """(start, end) in UTC of each occurrence ical.js expands."""
    result = subprocess.run(
        ["node", str(JS_READER), start.isoformat(), end.isoformat(), "--ends"],
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return sorted(
        (_utc(datetime.fromisoformat(s.replace("Z", "+00:00"))), _utc(datetime.fromisoformat(e.replace("Z", "+00:00"))))
        for _, s, _, e in json.loads(result.stdout)
    )


def spans_with_recurring_ical_events(text: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    calendar = icalendar.Calendar.from_ical(text)
    return sorted(
        (_utc(e.decoded("DTSTART")), _utc(e.decoded("DTEND")))
        for e in recurring_ical_events.of(calendar).between(start, end)
    )


def spans_with_ical(text: str, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    calendar = IcsCalendarStream.calendar_from_ics(text)
    return sorted((_utc(e.dtstart), _utc(e.end)) for e in calendar.timeline_tz(UTC).overlapping(start, end))


READERS = {"recurring-ical-events": with_recurring_ical_events, "ical": with_ical, "vobject": with_vobject}
# CI installs ical.js (.ci/run); a developer without node runs the other three.
if ical_js_available() or os.environ.get("CI"):
    READERS["ical.js"] = with_ical_js

#: Where each occurrence starts and ends (timed events).
SPAN_READERS = {"recurring-ical-events": spans_with_recurring_ical_events, "ical": spans_with_ical}
if "ical.js" in READERS:
    SPAN_READERS["ical.js"] = spans_with_ical_js
