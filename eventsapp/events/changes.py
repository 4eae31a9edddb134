"""What an edit changed, old and new, as people read it. Pure.

"Time: Tue 3 Dec, 07:30–08:30 → Wed 4 Dec, 08:00–09:00" tells a member
more than "the event has changed": they need not find the old time in
their calendar to see what moved.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from eventsapp.events.timefmt import format_span, zone_label

#: What makes the time, and what makes the place.
TIME_FIELDS = ("starts_at", "ends_at", "all_day", "timezone")


class Change(NamedTuple):
    label: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


def time_text(values: dict, now: datetime) -> str:
    """An event's time in its own zone, named unless it is all day."""
    span = format_span(
        values["starts_at"],
        values["ends_at"],
        all_day=values["all_day"],
        event_zone=values["timezone"],
        viewer_zone=values["timezone"],
        now=now,
    )
    return span if values["all_day"] else f"{span} ({zone_label(values['timezone'], values['starts_at'])})"


def _or_none(value: str) -> str:
    return value or "none"


def what_changed(before: dict, after: dict, now: datetime) -> list[Change]:
    """The changes a member going needs to hear about, in the order they
    read them: title, time, place, online link. `before` and `after` hold
    the event's fields by name."""
    changes = []
    if before["title"] != after["title"]:
        changes.append(Change("Title", before["title"], after["title"]))
    if any(before[name] != after[name] for name in TIME_FIELDS):
        old, new = time_text(before, now), time_text(after, now)
        if old != new:
            changes.append(Change("Time", old, new))
    if before["location"] != after["location"]:
        changes.append(Change("Place", _or_none(before["location"]), _or_none(after["location"])))
    if before["online_url"] != after["online_url"]:
        changes.append(Change("Online link", _or_none(before["online_url"]), _or_none(after["online_url"])))
    return changes


def summary(changes: list[Change]) -> str:
    """All of them on one line, for a notification."""
    return "; ".join(str(c) for c in changes)
