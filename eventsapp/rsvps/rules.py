"""The RSVP rules themselves, on plain values. Pure."""

from __future__ import annotations

from datetime import datetime

from eventsapp.rsvps.states import RsvpState


def closing_reason(
    *, cancelled: bool, starts_at: datetime, deadline: datetime | None, now: datetime, ends_at: datetime | None = None
) -> str | None:
    """Why answers are no longer taken, or None while they are."""
    if cancelled:
        return "This event was cancelled, so it no longer takes answers."
    if ends_at is not None and now >= ends_at:
        return "This event is over."
    if now >= starts_at:
        return "This event has started, so it no longer takes answers."
    if deadline is not None and now >= deadline:
        return "The RSVP deadline for this event has passed."
    return None


def landing_state(requested: str, *, going: int, capacity: int | None) -> str:
    """Where a request lands: 'going' becomes 'waitlisted' when every seat
    is taken; 'maybe' never takes a seat (interns on call can't commit)."""
    if requested == RsvpState.GOING and capacity is not None and going >= capacity:
        return RsvpState.WAITLISTED
    return requested


def is_same_answer(current: str | None, requested: str) -> bool:
    """A repeated answer changes nothing (double submits are harmless);
    asking for 'going' while waitlisted keeps the place in the queue."""
    return current == requested or (current == RsvpState.WAITLISTED and requested == RsvpState.GOING)


def free_seats(*, going: int, capacity: int | None, waiting: int) -> int:
    """How many of the waitlist can be promoted now."""
    if capacity is None:
        return waiting
    return max(0, min(waiting, capacity - going))


def may_see_name(
    visibility: str, *, viewer_is_self: bool, viewer_is_organizer: bool, viewer_is_member: bool, viewer_is_going: bool
) -> bool:
    """Whether a viewer sees an attendee's name, by the attendee's choice
    ('members', 'attendees' or 'organizers'); otherwise they are only counted."""
    if viewer_is_self or viewer_is_organizer:
        return True
    if visibility == "members":
        return viewer_is_member
    if visibility == "attendees":
        return viewer_is_member and viewer_is_going
    return False
