"""Where notices about a mentorship point: plain values from the view (or
the site's own paths, for a command or the worker)."""

from __future__ import annotations

from dataclasses import dataclass

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
