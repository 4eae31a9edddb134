"""Introduction requests still waiting for an answer, as the home page and
the navigation show them. Read only: a request past its date is left out
(it counts as expired), whatever its stored status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions.models import IntroRequest, waiting_at
from eventsapp.profiles.career import stage_label
from eventsapp.profiles.models import Profile

#: Requests for a senior listed on the home page; the rest are on /introductions.
SHOWN = 5


def waiting_count_of(user_id):
    """How many requests wait for this senior's answer, as a column (the
    user loader reads it with the account); parameter `now`."""
    return (
        sa.select(sa.func.count())
        .select_from(IntroRequest)
        .where(IntroRequest.senior_id == user_id, waiting_at(sa.bindparam("now")))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class WaitingRequest:
    id: int
    person_id: int  # who asked (received) or who was asked (sent)
    person_name: str
    person_stage: str
    message: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Waiting:
    received: list[WaitingRequest]  # for the user to answer, oldest first (they expire first)
    sent: list[WaitingRequest]  # the user's own, waiting, newest first


def waiting_requests(session: Session, user_id: int, now: datetime) -> Waiting:
    """Pending requests to and from the user, with the other person, in one
    query: at most SHOWN received (oldest first) and every one sent (a member
    has at most MAX_PENDING waiting)."""
    received, sent = [], []
    for row in session.execute(_waiting_query(), {"user_id": user_id, "now": now}):
        item = WaitingRequest(
            row.id,
            row.person_id,
            row.name,
            stage_label(row.career_stage, row.pgy_year),
            row.message,
            row.created_at,
            row.expires_at,
        )
        (received if row.received else sent).append(item)
    # (The order of a UNION's rows is not that of its parts.)
    received.sort(key=lambda r: (r.created_at, r.id))
    sent.sort(key=lambda r: (r.created_at, r.id), reverse=True)
    return Waiting(received, sent)


@cache
def _waiting_query():
    """waiting_requests' statement, built once; parameters user_id and now."""
    user_id, now = sa.bindparam("user_id"), sa.bindparam("now")

    def side(received: bool):
        mine, other = (
            (IntroRequest.senior_id, IntroRequest.requester_id)
            if received
            else (IntroRequest.requester_id, IntroRequest.senior_id)
        )
        order = (
            (IntroRequest.created_at, IntroRequest.id)
            if received
            else (IntroRequest.created_at.desc(), IntroRequest.id.desc())
        )
        return (
            sa.select(
                IntroRequest.id,
                IntroRequest.message,
                IntroRequest.created_at,
                IntroRequest.expires_at,
                sa.literal(received).label("received"),
                User.id.label("person_id"),
                User.name,
                Profile.career_stage,
                Profile.pgy_year,
            )
            .join(User, User.id == other)
            .join(Profile, Profile.user_id == User.id)
            .where(mine == user_id, waiting_at(now))
            .order_by(*order)
            .limit(SHOWN if received else None)
            .subquery()
        )

    received, sent = side(True), side(False)
    return sa.union_all(sa.select(received), sa.select(sent))
