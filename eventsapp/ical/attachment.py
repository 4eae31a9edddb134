"""The .ics files that go with mails about events.

Each event is described as the member's own feed describes it (their
answer shown, the event's SEQUENCE), so a copy imported from a mail is
replaced by the next mail, a later download or the feed, never the other
way round.
"""
from __future__ import annotations

from typing import NamedTuple

from eventsapp.events.models import Event
from eventsapp.ical.builder import IcsCalendar, build
from eventsapp.ical.describe import Links, answer_fields, describe
from eventsapp.rsvps.models import Rsvp


class IcsFile(NamedTuple):
    filename: str
    content: bytes


def ics_file(answered: list[tuple[Event, Rsvp | None]], links: Links) -> IcsFile:
    """One calendar holding these events (a meeting of a series on its own,
    as in the member's feed), each with the member's answer when given."""
    items = [describe(event, links, **answer_fields(event, rsvp)) if rsvp else describe(event, links)
             for event, rsvp in answered]
    name = f"event-{answered[0][0].id}.ics" if len(answered) == 1 else "events.ics"
    return IcsFile(name, build(IcsCalendar(items)))
