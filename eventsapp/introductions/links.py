"""How to link the introductions page from what is sent about a request:
its path for in-app notices and its full URL for mail, built by the web
layer (which knows the routes and the request's host) and passed down, so
no domain calls url_for. Mail needs the full URL: a bare path in an email
leads nowhere."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from eventsapp.config import site_root

PATH = "/introductions"


@dataclass(frozen=True)
class IntroductionLinks:
    path: str
    url: str

    @classmethod
    def at(cls, site: str) -> IntroductionLinks:
        """The page on `site` (a scheme and host, as "https://host/")."""
        return cls(path=PATH, url=f"{site.rstrip('/')}{PATH}")

    @classmethod
    def on_site(cls, config) -> IntroductionLinks:
        """On the configured site (PREFERRED_URL_SCHEME, SERVER_NAME), for
        what is sent outside a request (a command, the worker)."""
        return cls.at(site_root(config))

    @property
    def site(self) -> str:
        """The site's address the mail link names ("" when it is not absolute)."""
        return urljoin(self.url, "/") if "://" in self.url else ""
