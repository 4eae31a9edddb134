"""The .ics files that go with mails about events.

Each event is described as the member's own feed describes it (their
answer shown, the event's SEQUENCE), so a copy imported from a mail is
replaced by the next mail, a later download or the feed, never the other
way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from eventsapp.events.models import Event
from eventsapp.ical.builder import IcsCalendar, build
from eventsapp.ical.describe import Links, answer_fields, configured_links, describe, uid_domain
from eventsapp.rsvps.models import Rsvp


class IcsFile(NamedTuple):
    filename: str
    content: bytes


def mail_links(config: Mapping, event_url: tuple[str, str] | None) -> Links:
    """Links for a mail's calendar file: event URLs as the request that sends
    it sees them (what comes before and after the id), or on the configured
    SERVER_NAME when no request does."""
    return Links(uid_domain(config), *event_url) if event_url else configured_links(config)


def ics_file(answered: list[tuple[Event, Rsvp | None]], links: Links) -> IcsFile:
    """One calendar holding these events (a meeting of a series on its own,
    as in the member's feed), each with the member's answer when given."""
    items = [
        describe(event, links, **answer_fields(event, rsvp)) if rsvp else describe(event, links)
        for event, rsvp in answered
    ]
    name = f"event-{answered[0][0].id}.ics" if len(answered) == 1 else "events.ics"
    return IcsFile(name, build(IcsCalendar(items)))
