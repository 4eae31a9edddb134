"""Pages of a speed-mentoring evening as plain values, built by the web
layer (which knows the routes and the request's host) for what is sent."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin


@dataclass(frozen=True)
class PageLink:
    path: str  # for the in-app notice
    url: str  # full, for the mail

    @property
    def site(self) -> str:
        """The site's address ("" when the URL is not absolute)."""
        return urljoin(self.url, "/") if "://" in self.url else ""
