"""An event's attendee sheet once its answers and check-ins were removed
after the retention period (docs/retention.md): the counts it kept, added
to whatever rows it holds (none, or a check-in recorded since)."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from eventsapp.events.models import KeptAttendance

S = TypeVar("S")


def kept_in(kept: KeptAttendance | None, sheet: S) -> S:
    """The sheet (attendance/services.Sheet) with the kept counts added, and
    when the rows were removed; unchanged for an event that kept nothing."""
    if kept is None:
        return sheet
    return replace(
        sheet,
        going=sheet.going + kept.going,
        waitlisted=sheet.waitlisted + kept.waitlisted,
        maybe=sheet.maybe + kept.maybe,
        checked_in=sheet.checked_in + kept.checked_in + kept.guests,
        checked_in_going=sheet.checked_in_going + kept.came,
        removed_at=kept.purged_at,
    )
