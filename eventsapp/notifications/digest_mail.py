"""The weekly digest's email, from plain values: next week's events that
match the member's interests, in time order and in the member's zone, and
at each the senior colleagues suggested for them who are going."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from eventsapp.events.timefmt import format_span, zone_label
from eventsapp.matching.weekly import Colleague
from eventsapp.notifications.mail import OutgoingMail
from eventsapp.rsvps.states import RsvpState

#: Colleagues named at one event; the rest are counted (the event's page lists them all).
NAMED_AT_EACH = 6
ANSWERS = {RsvpState.GOING: "You're going.", RsvpState.WAITLISTED: "You're on the waitlist."}


@dataclass(frozen=True)
class DigestEvent:
    id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    timezone: str
    location: str
    online_url: str
    specialty_ids: frozenset[int]


@dataclass(frozen=True)
class Item:
    event: DigestEvent
    answer: str | None  # the member's own
    colleagues: list[Colleague]


@dataclass(frozen=True)
class Recipient:
    user_id: int
    email: str
    name: str
    zone: str
    interests: list[str]  # names, for the line that says why the mail comes


def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _when(event: DigestEvent, zone: str, now: datetime) -> str:
    span = format_span(
        event.starts_at, event.ends_at, all_day=event.all_day, event_zone=event.timezone, viewer_zone=zone, now=now
    )
    return span if event.all_day else f"{span} ({zone_label(zone, event.starts_at)})"


def _names(colleagues: list[Colleague]) -> str:
    named = [f"{c.name} ({c.stage_label})" for c in colleagues[:NAMED_AT_EACH]]
    more = len(colleagues) - len(named)
    if more:
        return ", ".join(named) + f" and {more} more on the event's page"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def _item(item: Item, zone: str, event_url: str, now: datetime) -> str:
    event = item.event
    lines = [event.title, _when(event, zone, now)]
    where = " · ".join(p for p in (event.location, event.online_url) if p)
    if where:
        lines.append(where)
    if item.answer in ANSWERS:
        lines.append(ANSWERS[item.answer])
    if item.colleagues:
        lines.append(f"Senior colleagues suggested for you who are going: {_names(item.colleagues)}.")
    lines.append(event_url)
    return "\n".join(lines)


def digest_mail(
    recipient: Recipient, week: date, items: list[Item], event_urls: dict[int, str], settings_url: str, now: datetime
) -> OutgoingMail:
    """The digest of `week` (its Monday) for one member; `items` in time order."""
    span = f"{_day(week)} – {_day(week + timedelta(days=6))}"
    count = f"{len(items)} event{'s' if len(items) != 1 else ''}"
    parts = [
        f"Hello {recipient.name},",
        f"Next week ({span}), {count} match{'es' if len(items) == 1 else ''} your interests. "
        f"Times are in your time zone ({recipient.zone}).",
        *(_item(item, recipient.zone, event_urls[item.event.id], now) for item in items),
        f"You get this weekly digest because your profile lists your interests ({', '.join(recipient.interests)}). "
        f"To change them, or turn the digest off, edit your profile: {settings_url}",
    ]
    return OutgoingMail(to=recipient.email, subject=f"Next week for you: {count}, {span}", body="\n\n".join(parts))
