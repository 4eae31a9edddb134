"""Reminders to a senior of an introduction request still waiting for their
answer: a notice and a mail 3 and 10 days after it was sent, each at most
once per request. The worker's remind-waiting-requests job runs
`send_request_reminders`; docs/background.md says what it guarantees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from eventsapp.events.listing import viewer_zone
from eventsapp.events.timefmt import format_moment
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.introductions.services import EXPIRES_AFTER
from eventsapp.notifications.models import NotificationKind, RequestReminder
from eventsapp.notifications.services import Message, notify
from eventsapp.profiles.models import Profile
from eventsapp.transactions import begin_write

#: Days after a request was sent at which its senior is reminded.
REMIND_AFTER_DAYS = (3, 10)
#: The last reminder comes at least this many days before the request
#: expires: were requests to expire sooner, the later reminders move
#: earlier (and two that meet are one).
LAST_CALL_DAYS = 1
#: Requests reminded of in one transaction (several per run if need be).
REMINDER_BATCH = 100
BATCHES_PER_RUN = 20
INTRODUCTIONS_PATH = "introductions"
PROFILE_PATH = "profile/edit"


def reminder_days(expires_after: timedelta = EXPIRES_AFTER) -> tuple[int, ...]:
    """REMIND_AFTER_DAYS, each at least LAST_CALL_DAYS before the expiry."""
    latest = expires_after.days - LAST_CALL_DAYS
    return tuple(sorted({min(days, latest) for days in REMIND_AFTER_DAYS if min(days, latest) > 0}))


@dataclass(frozen=True)
class Stage:
    """One reminder: due from `days` after the request was sent until the
    next one is (a worker that was down sends only the latest due)."""

    days: int
    until_days: int | None


def stages() -> list[Stage]:
    days = reminder_days()
    return [Stage(d, days[i + 1] if i + 1 < len(days) else None) for i, d in enumerate(days)]


def send_request_reminders(session: Session, now: datetime, site: str) -> int:
    """Remind seniors of the requests due a reminder at `now`, in batches,
    each committed; returns how many were sent. Safe in several workers at
    once: a reminder's key is claimed in the transaction that adds it."""
    sent = 0
    for stage in stages():
        for _ in range(BATCHES_PER_RUN):
            begin_write(session)
            claimed = _claim(session, stage, now)
            for request in _load(session, claimed):
                notify(session, [request.senior], reminder_message(request, stage, now, site))
            session.commit()
            sent += len(claimed)
            if len(claimed) < REMINDER_BATCH:
                break
    return sent


def _claim(session: Session, stage: Stage, now: datetime) -> list[int]:
    """Record the reminder as sent for a batch of the requests due it, in
    one statement (INSERT ... SELECT ... ON CONFLICT DO NOTHING): a request
    answered, withdrawn, expired or gone (with an account) is not due, and
    of two workers at once only one inserts each key."""
    due = (
        sa.select(IntroRequest.id, sa.literal(stage.days), sa.literal(now, RequestReminder.sent_at.type))
        .join(Profile, Profile.user_id == IntroRequest.senior_id)
        .where(
            IntroRequest.status == RequestStatus.PENDING,
            IntroRequest.expires_at > now,
            IntroRequest.created_at <= now - timedelta(days=stage.days),
            IntroRequest.created_at > now - timedelta(days=stage.until_days) if stage.until_days else sa.true(),
            Profile.request_reminders,
            ~sa.exists().where(RequestReminder.request_id == IntroRequest.id, RequestReminder.after_days == stage.days),
        )
        .order_by(IntroRequest.created_at, IntroRequest.id)
        .limit(REMINDER_BATCH)
        # PostgreSQL: a request being answered, withdrawn or deleted at this
        # moment is waited for, then read again (SQLite writers take turns).
        .with_for_update(of=IntroRequest)
    )
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(RequestReminder)
        .from_select([RequestReminder.request_id, RequestReminder.after_days, RequestReminder.sent_at], due)
        .on_conflict_do_nothing()
        .returning(RequestReminder.request_id)
    )
    return list(session.scalars(statement))


def _load(session: Session, ids: list[int]) -> list[IntroRequest]:
    if not ids:
        return []
    return list(
        session.scalars(
            sa.select(IntroRequest)
            .where(IntroRequest.id.in_(ids))
            .order_by(IntroRequest.id)
            .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
        )
    )


def _waited(request: IntroRequest, now: datetime) -> str:
    days = (now - request.created_at).days
    return "a day" if days == 1 else f"{days} days"


def reminder_message(request: IntroRequest, stage: Stage, now: datetime, site: str) -> Message:
    intern, senior = request.requester, request.senior
    expires = format_moment(request.expires_at, viewer_zone(senior), now, " at ")
    waited = _waited(request, now)
    answer_url = urljoin(site, INTRODUCTIONS_PATH)
    subject = (
        f"{intern.name} is waiting for your answer"
        if stage.until_days is not None
        else f"{intern.name} is still waiting for your answer: the request expires {expires}"
    )
    parts = [
        f"{intern.name} ({intern.profile.stage_label}) asked to meet you {waited} ago and is waiting for your answer.",
        f"Their message:\n\n{request.message}" if request.message else "",
        f"The request expires on {expires}: {intern.name} is then told you did not answer, and can ask "
        "someone else. Accepting or declining takes a click.",
        f"Answer the request: {answer_url}",
        "You get this reminder because you are open to meeting interns. To stop these reminders, "
        f"turn them off on your profile: {urljoin(site, PROFILE_PATH)}",
    ]
    return Message(
        kind=NotificationKind.REQUEST_REMINDER,
        subject=subject,
        body="\n\n".join(p for p in parts if p),
        link=f"/{INTRODUCTIONS_PATH}",
        site=site,
    )
