"""Telling interns that a request expired without an answer, and whom to
ask next: their best suggestions now, as People to meet ranks them, less
the colleague who let it expire and those they are waiting on. Receives
introductions' requests_expired, in the transaction that stores the expiry."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.config import site_root
from eventsapp.events.listing import viewer_zone
from eventsapp.introductions import signals
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import MAX_PENDING, IntroRequest
from eventsapp.matching.scoring import Suggestion
from eventsapp.matching.services import rank_suggestions
from eventsapp.notifications.introduction_notices import Kind
from eventsapp.notifications.services import Message, notify

#: Colleagues named in the notice.
NEXT_COLLEAGUES = 3
#: Interns whose suggestions are ranked for one batch of expiries (a few
#: queries each); the worker expires at most this many requests at a time,
#: so each notice it sends names colleagues. Past it (a page that expires a
#: backlog), the notice links People to meet without names.
RANKED_PER_BATCH = 25
PEOPLE_LINK = "/people"
INTRODUCTIONS_PATH = "introductions"


@signals.requests_expired.connect
def _tell_requesters(requests, *, session: Session, now: datetime, links: IntroductionLinks | None = None, **_) -> None:
    site = links.site if links is not None and links.site else site_root(current_app.config)
    tell_expired(session, list(requests), now, site)


def tell_expired(session: Session, requests: list[IntroRequest], now: datetime, site: str) -> None:
    """One notice (and mail) per expired request, to its requester."""
    by_intern: dict[int, list[IntroRequest]] = {}
    for request in requests:
        by_intern.setdefault(request.requester_id, []).append(request)
    for n, theirs in enumerate(by_intern.values()):
        intern = theirs[0].requester
        left_out = {r.senior_id for r in theirs}
        names = next_colleagues(session, intern, left_out, now) if n < RANKED_PER_BATCH else None
        for request in theirs:
            notify(session, [intern], expired_message(request, names, site))


def next_colleagues(session: Session, intern, left_out: set[int], now: datetime) -> list[Suggestion]:
    """The intern's best suggestions whom they may ask now (not waiting on
    them already), leaving out `left_out`."""
    ranked = rank_suggestions(
        session, intern, now=now, zone=viewer_zone(intern), limit=NEXT_COLLEAGUES + MAX_PENDING + len(left_out)
    )
    found = [s for s in ranked.suggestions if s.candidate.user_id not in left_out and s.candidate.request_id is None]
    return found[:NEXT_COLLEAGUES]


def expired_message(request: IntroRequest, names: list[Suggestion] | None, site: str) -> Message:
    senior = request.senior
    days = (request.expires_at - request.created_at).days
    people = urljoin(site, PEOPLE_LINK)
    parts = [
        f"{senior.name} did not answer within {days} days, so your request expired. It no longer counts "
        "towards your limit: you can ask someone else."
    ]
    if names:
        listed = "\n".join(f"- {s.candidate.name}, {s.candidate.stage_label}: {s.explanation}" for s in names)
        parts.append(f"Colleagues you could ask next:\n{listed}")
        parts.append(f"See them and ask on People to meet: {people}")
    elif names is None:
        parts.append(f"People to meet suggests colleagues who share your interests: {people}")
    else:
        parts.append(f"Nobody else is suggested to you right now; People to meet shows them as they join: {people}")
    parts.append(f"Your introductions: {urljoin(site, INTRODUCTIONS_PATH)}")
    return Message(
        kind=Kind.EXPIRED,
        subject=f"Your introduction request to {senior.name} expired",
        body="\n\n".join(parts),
        link=PEOPLE_LINK,
        site=site,
    )
