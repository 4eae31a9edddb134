"""How to link an event's page from what is sent about it: plain text
around the event's id, built by the web layer (which knows the routes and
the site's address) and passed down, so no domain calls url_for."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from eventsapp.config import site_root


@dataclass(frozen=True)
class EventLinks:
    """The path of an event's page (for in-app notices) and its full URL
    (for mail), each as the text before and after the id. Outside a
    request, `on_site` links the configured site."""

    path_head: str = "/events/"
    path_tail: str = ""
    url_head: str = "/events/"
    url_tail: str = ""

    @classmethod
    def on_site(cls, config) -> EventLinks:
        """Links on the configured site (PREFERRED_URL_SCHEME, SERVER_NAME),
        for what is sent outside a request (a command, a worker)."""
        return cls(url_head=f"{site_root(config)}events/")

    @property
    def site(self) -> str:
        """The site's address the URLs name ("" when they are not absolute)."""
        return urljoin(self.url_head, "/") if "://" in self.url_head else ""

    def path(self, event_id: int) -> str:
        return f"{self.path_head}{int(event_id)}{self.path_tail}"

    def url(self, event_id: int) -> str:
        return f"{self.url_head}{int(event_id)}{self.url_tail}"
