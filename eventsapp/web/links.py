"""Addresses of this site as a request sees them, worked out once per page:
for templates that link many rows, and the plain link values that views
hand to the domains (which never call url_for)."""

from __future__ import annotations

from flask import current_app, g, has_request_context, url_for

from eventsapp.events.links import EventLinks
from eventsapp.ical.describe import Links, configured_links, uid_domain
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.mentorships.links import MentorshipLinks


def id_url_parts(endpoint: str, key: str, *, external: bool = False) -> tuple[str, str]:
    """What comes before and after the id in url_for(endpoint, key=id), from
    a single url_for call, for pages and feeds that link many rows. The
    stand-in id must occur once in the URL (not also in the host, say)."""
    for stand_in in ("918273645", "564738291"):
        url = url_for(endpoint, **{key: int(stand_in)}, _external=external)
        if url.count(stand_in) == 1:
            head, _, tail = url.partition(stand_in)
            return head, tail
    raise RuntimeError(f"cannot tell the id from the rest of {url}")


def path_for(endpoint: str, **one_id) -> str:
    """url_for for a route with one id in it (path_for("profiles.show",
    user_id=7)), worked out once per page for each route: lists link every
    row, some of them twice."""
    ((key, value),) = one_id.items()
    known = g.setdefault("id_paths", {})
    if (endpoint, key) not in known:
        known[endpoint, key] = id_url_parts(endpoint, key)
    head, tail = known[endpoint, key]
    return f"{head}{int(value)}{tail}"


def calendar_links() -> Links:
    """How calendar files name things: UIDs on the configured domain, event
    URLs on this request's host (or the configured SERVER_NAME outside a
    request)."""
    if not has_request_context():
        return configured_links(current_app.config)
    return Links(uid_domain(current_app.config), *id_url_parts("events.show", "event_id", external=True))


def event_links() -> EventLinks:
    """An event page's path and its full URL on this request's host, for
    what the domains send about events."""
    return EventLinks(*id_url_parts("events.show", "event_id"), *id_url_parts("events.show", "event_id", external=True))


def introduction_links() -> IntroductionLinks:
    """The introductions page's path and its full URL on this request's
    host, for what the domains send about introductions."""
    return IntroductionLinks(url_for("introductions.index"), url_for("introductions.index", _external=True))


def mentorship_links(*, external: bool = False) -> MentorshipLinks:
    """Mentorship pages and the "did you meet?" question, as this request
    sees them (full URLs for calendars and mail)."""
    page_head, _ = id_url_parts("mentorships.show", "mentorship_id", external=external)
    question_head, _ = id_url_parts("mentorships.question", "request_id", external=external)
    return MentorshipLinks(page_head, question_head)
