"""Where a participant stands, after a speed-mentoring evening, with someone
they met there: the follow-up page's line beside each name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventsapp.introductions.models import RequestStatus

if TYPE_CHECKING:
    from eventsapp.speed.followups import Met


def note(met: Met, as_senior: bool) -> str:
    """Where the viewer stands with someone they met, in words for the page."""
    name, request = met.person.name, met.request
    if request is not None and request.status == RequestStatus.ACCEPTED:
        return f"You and {name} are introduced."
    waiting = request is not None and request.status == RequestStatus.PENDING
    if waiting and met.again and met.they_wish:
        if as_senior:
            return "You both said yes, but you are at your limit of introductions: their request waits for your answer."
        return f"You both said yes, but {name} has no room for another introduction now: your request waits."
    if waiting:
        return (
            f"{name} asked to meet again: answer on your introductions page."
            if as_senior
            else (f"Your request waits for {name}'s answer.")
        )
    if met.they_wish and not as_senior:
        return f"{name} would like to meet you again."
    return ""
