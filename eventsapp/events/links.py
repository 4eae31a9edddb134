"""How to link an event's page from what is sent about it: plain text
around the event's id, built by the web layer (which knows the routes and
the site's address) and passed down, so no domain calls url_for."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventLinks:
    """The path of an event's page (for in-app notices) and its full URL
    (for mail), each as the text before and after the id. The defaults are
    the bare path, for changes made outside a request."""

    path_head: str = "/events/"
    path_tail: str = ""
    url_head: str = "/events/"
    url_tail: str = ""

    def path(self, event_id: int) -> str:
        return f"{self.path_head}{int(event_id)}{self.path_tail}"

    def url(self, event_id: int) -> str:
        return f"{self.url_head}{int(event_id)}{self.url_tail}"
