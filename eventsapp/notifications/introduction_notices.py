"""What people are told about introductions: the receivers of the signals
in introductions/signals.py, each adding a notification (and a mail, to the
outbox) to the sender's transaction."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions import signals
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import RequestStatus
from eventsapp.introductions.states import NOT_AVAILABLE
from eventsapp.mentorships.answers import mentorship_of_request
from eventsapp.notifications.services import Message, notify


class Kind:
    REQUESTED = "intro_requested"
    ACCEPTED = "intro_accepted"
    DECLINED = "intro_declined"
    EXPIRED = "intro_expired"
    ENDED = "intro_ended"


def _tell(session: Session, user: User, kind: str, subject: str, body: str, links: IntroductionLinks | None) -> None:
    """The notice links the page's path; the mail its full URL, on the
    request's host or, outside a request (the worker), the configured one."""
    links = links or IntroductionLinks.on_site(current_app.config)
    text = f"{body}\n\nSee your introductions: {links.url}"
    notify(session, [user], Message(kind=kind, subject=subject, body=text, link=links.path, site=links.site))


@signals.request_sent.connect
def request_sent(request, *, session: Session, links: IntroductionLinks | None = None, **_) -> None:
    requester = request.requester
    _tell(
        session,
        request.senior,
        Kind.REQUESTED,
        f"{requester.name} would like to meet you",
        f"{requester.name} ({requester.profile.stage_label}) asked for an introduction:\n\n{request.message}",
        links,
    )


@signals.request_accepted.connect
def request_accepted(request, *, session: Session, links: IntroductionLinks | None = None, **_) -> None:
    senior = request.senior
    _tell(
        session,
        request.requester,
        Kind.ACCEPTED,
        f"{senior.name} accepted your introduction",
        f"{senior.name} would be glad to meet you. You can now see each other's email address.",
        links,
    )


@signals.request_declined.connect
def request_declined(request, *, session: Session, links: IntroductionLinks | None = None, **_) -> None:
    senior = request.senior
    _tell(
        session,
        request.requester,
        Kind.DECLINED,
        f"{senior.name} is {NOT_AVAILABLE}",
        f"{senior.name} is {NOT_AVAILABLE}. Other colleagues on your People to meet page share your interests.",
        links,
    )


@signals.request_expired.connect
def request_expired(request, *, session: Session, links: IntroductionLinks | None = None, **_) -> None:
    senior = request.senior
    _tell(
        session,
        request.requester,
        Kind.EXPIRED,
        f"Your introduction request to {senior.name} expired",
        f"{senior.name} did not answer within 14 days. The request no longer counts "
        "towards your limit; you can ask someone else.",
        links,
    )


@signals.senior_withdrew.connect
def senior_withdrew(request, *, session: Session, links: IntroductionLinks | None = None, **_) -> None:
    senior = request.senior
    _tell(
        session,
        request.requester,
        Kind.DECLINED,
        f"{senior.name} is {NOT_AVAILABLE}",
        f"{senior.name} is no longer taking introductions, so your request was withdrawn.",
        links,
    )


@signals.connection_ended.connect
def connection_ended(request, *, session: Session, links: IntroductionLinks | None = None, by: User, **_) -> None:
    other = request.senior if by.id == request.requester_id else request.requester
    _tell(
        session,
        other,
        Kind.ENDED,
        f"{by.name} ended your mentoring connection",
        f"{by.name} ended the connection. Thank you for the time you spent together.",
        links,
    )


@signals.member_leaving.connect
def member_leaving(request, *, session: Session, links: IntroductionLinks | None = None, leaving: User, **_) -> None:
    other = request.senior if request.requester_id == leaving.id else request.requester
    if request.status == RequestStatus.ACCEPTED and mentorship_of_request(session, request.id) is not None:
        return  # a mentorship: its own notice says it ended (mentorship_notices.member_left)
    if request.status == RequestStatus.ACCEPTED:
        _tell(
            session,
            other,
            Kind.ENDED,
            f"{leaving.name} has left Mentor Rounds",
            f"{leaving.name} deleted their account, so your mentoring connection has ended.",
            links,
        )
    elif request.requester_id == leaving.id:
        _tell(
            session,
            other,
            Kind.ENDED,
            f"{leaving.name} withdrew their request",
            f"{leaving.name} deleted their account, so their request for an introduction is withdrawn.",
            links,
        )
    else:
        _tell(
            session,
            other,
            Kind.DECLINED,
            f"{leaving.name} is {NOT_AVAILABLE}",
            f"{leaving.name} deleted their account, so your request was withdrawn. "
            "People to meet suggests other colleagues who share your interests.",
            links,
        )
