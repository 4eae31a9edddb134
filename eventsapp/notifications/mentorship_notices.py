"""What the other member is told about a mentorship: the receivers of the
signals in mentorships/signals.py, each adding a notification (and a mail,
to the outbox) to the sender's transaction. Never a private note."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.config import site_root
from eventsapp.events.listing import viewer_zone
from eventsapp.events.timefmt import format_moment, zone_label
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import MentorshipLinks
from eventsapp.mentorships.models import CloseReason, FollowUpKind, Mentorship
from eventsapp.notifications.services import Message, notify
from eventsapp.timeutil import utcnow


def _where(address: str) -> tuple[str, str, str]:
    """(path, full URL, site) of a link given as a path or a full URL: the
    notice opens the path (only a path leads back into the app), the mail
    names the full URL (a bare path in an email leads nowhere)."""
    url = address if "://" in address else urljoin(site_root(current_app.config), address)
    parts = urlsplit(url)
    return parts.path, url, f"{parts.scheme}://{parts.netloc}/"


class Kind:
    STARTED = "mentorship_started"
    GOALS = "mentorship_goals"
    MEETING = "mentorship_meeting"
    NEXT = "mentorship_next"
    CLOSED = "mentorship_closed"
    ASKED = "mentorship_asked"
    NUDGED = "mentorship_nudged"


def _tell_other(session: Session, mentorship: Mentorship, by: User, kind: str, subject: str, body: str, links):
    other = mentorship.other(by.id)
    if other is None:
        return
    path, url, site = _where(links.page(mentorship.id))
    notify(
        session,
        [other],
        Message(kind=kind, subject=subject, body=f"{body}\n\nYour mentorship page: {url}", link=path, site=site),
    )


@signals.mentorship_started.connect
def mentorship_started(mentorship, *, session: Session, links: MentorshipLinks, by: User, **_) -> None:
    _tell_other(
        session,
        mentorship,
        by,
        Kind.STARTED,
        f"{by.name} says you met: your mentorship has begun",
        f"{by.name} answered that you met. Your mentorship page holds your goals, how often you "
        "mean to meet, a log of your meetings and the next one.",
        links,
    )


@signals.goals_written.connect
def goals_written(mentorship, *, session: Session, links: MentorshipLinks, by: User, **_) -> None:
    _tell_other(
        session,
        mentorship,
        by,
        Kind.GOALS,
        f"{by.name} wrote their goals for your mentorship",
        f"{by.name} wrote down their goals and expectations. You can comment on them.",
        links,
    )


@signals.goals_commented.connect
def goals_commented(mentorship, *, session: Session, links: MentorshipLinks, by: User, **_) -> None:
    _tell_other(
        session,
        mentorship,
        by,
        Kind.GOALS,
        f"{by.name} commented on your goals",
        f"{by.name} commented on your goals and expectations.",
        links,
    )


@signals.meeting_logged.connect
def meeting_logged(mentorship, *, session: Session, links: MentorshipLinks, by: User, meeting, **_) -> None:
    _tell_other(
        session,
        mentorship,
        by,
        Kind.MEETING,
        f"{by.name} logged your meeting of {meeting.met_on:%d %b %Y}",
        f"{by.name} added your meeting of {meeting.met_on:%d %b %Y} to the log. You can add a private "
        "note of your own to it.",
        links,
    )


@signals.next_meeting_set.connect
def next_meeting_set(mentorship, *, session: Session, links: MentorshipLinks, by: User, **_) -> None:
    other = mentorship.other(by.id)
    zone = viewer_zone(other) if other else "UTC"
    moment = mentorship.next_meeting_at
    when = f"{format_moment(moment, zone, utcnow())} ({zone_label(zone, moment)})"
    place = f" ({mentorship.next_meeting_place})" if mentorship.next_meeting_place else ""
    _tell_other(
        session,
        mentorship,
        by,
        Kind.NEXT,
        f"{by.name} set your next meeting",
        f"{by.name} set your next meeting: {when}{place}. It is in your calendar feed.",
        links,
    )


@signals.mentorship_closed.connect
def mentorship_closed(
    mentorship, *, session: Session, links: MentorshipLinks, by: User, reason: str, thank_you: str, **_
) -> None:
    thanks = f"\n\nTheir thank-you:\n{thank_you}" if thank_you else ""
    _tell_other(
        session,
        mentorship,
        by,
        Kind.CLOSED,
        f"{by.name} closed your mentorship",
        f"{by.name} closed your mentorship ({CloseReason.LABELS[reason]}). Thank you for the time you "
        f"spent together.{thanks}",
        links,
    )


@signals.member_left.connect
def member_left(mentorship, *, session: Session, links: MentorshipLinks, by: User, **_) -> None:
    _tell_other(
        session,
        mentorship,
        by,
        Kind.CLOSED,
        f"{by.name} has left Mentor Rounds",
        f"{by.name} deleted their account, so your mentorship has ended. Your log and your own notes stay.",
        links,
    )


@signals.did_you_meet_due.connect
def did_you_meet_due(request, *, session: Session, links: MentorshipLinks, user: User, other: User, event_title, **_):
    path, url, site = _where(links.question(request.id))
    why = f"You were both going to {event_title}." if event_title else "You were introduced two weeks ago."
    notify(
        session,
        [user],
        Message(
            kind=Kind.ASKED,
            subject=f"Did you meet {other.name}?",
            body=f"{why} Did you meet {other.name}? Answer in one click: we met, we have a plan, or not "
            f"yet.\n\n{url}\n\nYou can turn these questions off on your mentorships page.",
            link=path,
            site=site,
        ),
    )


@signals.follow_up_due.connect
def follow_up_due(mentorship, *, session: Session, links: MentorshipLinks, user: User, kind: str, **_) -> None:
    other = mentorship.other(user.id)
    name = other.name if other else "your mentorship"
    path, url, site = _where(links.page(mentorship.id))
    if kind == FollowUpKind.QUIET:
        subject = f"Carry on or close your mentorship with {name}?"
        body = (
            "Nothing has been logged for 90 days. If you still meet, log your last meeting or plan the next "
            "one; if not, you can close the mentorship with a word of thanks."
        )
    else:
        subject = f"Time to meet {name} again?"
        body = "Your last meeting is a while ago for the rhythm you chose. Perhaps plan the next one?"
    notify(
        session,
        [user],
        Message(
            kind=Kind.NUDGED,
            subject=subject,
            body=f"{body}\n\n{url}\n\nYou can turn these reminders off on your mentorships page.",
            link=path,
            site=site,
        ),
    )
