"""Where a member stands with a colleague they might ask for an
introduction: whether a request can be sent, and if not, why. The pages
show it instead of an Ask button, and request_introduction refuses by the
same rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions.models import DECLINE_COOLDOWN, MAX_PENDING, IntroRequest, RequestStatus, waiting_at
from eventsapp.profiles.career import SENIORITY

NOT_AVAILABLE = "not available right now"


class Stand:
    CAN_ASK = "can_ask"
    NOT_OFFERED = "not_offered"  # not open to meeting interns, or not further along
    WAITING = "waiting"  # the requester's request waits for their answer
    CONNECTED = "connected"
    UNAVAILABLE = "unavailable"  # declined lately, or no room under their limit
    AT_LIMIT = "at_limit"  # the requester has MAX_PENDING requests waiting
    UNVERIFIED = "unverified"  # the requester has not confirmed their email address


@dataclass(frozen=True)
class AskState:
    stand: str
    request_id: int | None = None  # the request waiting, when there is one
    waiting: int = 0  # the requester's requests waiting for an answer

    @property
    def can_ask(self) -> bool:
        return self.stand == Stand.CAN_ASK

    def refusal(self, name: str) -> str:
        """Why no request can be sent, in words for the requester."""
        return {
            Stand.WAITING: f"You already asked to meet {name}; they haven't answered yet.",
            Stand.CONNECTED: f"You're already connected with {name}.",
            Stand.AT_LIMIT: f"You have {MAX_PENDING} requests waiting for an answer. Wait for one, or "
            "withdraw one, before asking someone else.",
            Stand.UNVERIFIED: "Confirm your email address before asking for an introduction: open the link "
            "we mailed you, or ask for a new one with Resend the link.",
        }.get(self.stand, f"{name} is {NOT_AVAILABLE}.")


def ask_state(session: Session, requester: User, senior: User, now: datetime) -> AskState:
    """Whether `requester` may ask `senior` for an introduction now (one query)."""
    mine = SENIORITY.get(requester.profile.career_stage, 0) if requester.profile.career_stage else 0
    theirs = SENIORITY.get(senior.profile.career_stage, 0) if senior.profile.career_stage else 0
    if not senior.profile.open_to_interns or theirs <= mine or senior.id == requester.id:
        return AskState(Stand.NOT_OFFERED)
    if not requester.email_verified:  # (a refusal the pages show, and request_introduction obeys)
        return AskState(Stand.UNVERIFIED)
    between = sa.and_(IntroRequest.requester_id == requester.id, IntroRequest.senior_id == senior.id)
    waiting_id, connected, declined, waiting, connections = session.execute(
        sa.select(
            sa.select(IntroRequest.id).where(between, waiting_at(now)).limit(1).scalar_subquery(),
            sa.exists().where(between, IntroRequest.status == RequestStatus.ACCEPTED),
            sa.exists().where(
                between,
                IntroRequest.status == RequestStatus.DECLINED,
                IntroRequest.responded_at > now - DECLINE_COOLDOWN,
            ),
            sa.select(sa.func.count())
            .where(IntroRequest.requester_id == requester.id, waiting_at(now))
            .scalar_subquery(),
            # Their limit counts connections (an active mentorship is one) and requests waiting.
            sa.select(sa.func.count())
            .where(
                IntroRequest.senior_id == senior.id,
                sa.or_(IntroRequest.status == RequestStatus.ACCEPTED, waiting_at(now)),
            )
            .scalar_subquery(),
        )
    ).one()
    if waiting_id is not None:
        return AskState(Stand.WAITING, waiting_id, waiting)
    if connected:
        return AskState(Stand.CONNECTED, waiting=waiting)
    if declined:
        return AskState(Stand.UNAVAILABLE, waiting=waiting)
    if waiting >= MAX_PENDING:
        return AskState(Stand.AT_LIMIT, waiting=waiting)
    if connections >= senior.profile.intro_capacity:
        return AskState(Stand.UNAVAILABLE, waiting=waiting)
    return AskState(Stand.CAN_ASK, waiting=waiting)
