"""Where notices about a mentorship point: plain values from the view (or
the site's own paths, for a command or the worker)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from eventsapp.config import site_root


@dataclass(frozen=True)
class MentorshipLinks:
    #: The mentorship pages' address up to the id ("https://host/mentorships/").
    page_head: str = "/mentorships/"
    #: The "did you meet?" question's address up to the introduction's id.
    question_head: str = "/introductions/"

    def page(self, mentorship_id: int) -> str:
        return f"{self.page_head}{mentorship_id}"

    def question(self, request_id: int) -> str:
        return f"{self.question_head}{request_id}/met"

    @classmethod
    def on_site(cls, config) -> MentorshipLinks:
        """Full addresses on the configured site, for mail sent outside a
        request (a command, the worker)."""
        site = site_root(config)
        return cls(f"{site}mentorships/", f"{site}introductions/")

    @property
    def index(self) -> str:
        return self.page_head.rstrip("/")


#: The site's own paths, for callers outside a request (a command, the worker).
ON_SITE = MentorshipLinks()


@dataclass(frozen=True)
class InvitationLinks:
    """An invitation's page, as the text before its id: the path for the
    notice, the full URL for mail (a bare path in an email leads nowhere)."""

    path_head: str = "/invitations/"
    url_head: str = "/invitations/"

    def path(self, invitation_id: int) -> str:
        return f"{self.path_head}{int(invitation_id)}"

    def url(self, invitation_id: int) -> str:
        return f"{self.url_head}{int(invitation_id)}"

    @property
    def site(self) -> str:
        """The site's address the URLs name ("" when they are not absolute)."""
        return urljoin(self.url_head, "/") if "://" in self.url_head else ""
