"""The links the domains put in what they send, built here from the routes
and passed down as plain values."""
from __future__ import annotations

from eventsapp.events.links import EventLinks
from eventsapp.web.pages import id_url_parts


def event_links() -> EventLinks:
    """An event page's path and its full URL on this request's host."""
    return EventLinks(*id_url_parts("events.show", "event_id"),
                      *id_url_parts("events.show", "event_id", external=True))
