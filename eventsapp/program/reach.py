"""The interns a coordinator should reach: no request 30 days after
registering, the last request declined or expired with none since, or
accepted 30 days ago with no "we met". Three queries (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from eventsapp.accounts.models import User
from eventsapp.accounts.passwords import AWAITING_INVITATION
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships.models import Mentorship
from eventsapp.profiles.models import Department, Profile
from eventsapp.program.coordinators import Scope
from eventsapp.program.funnel import interns

#: How long after registering, or after an acceptance, before an intern is listed.
QUIET_DAYS = timedelta(days=30)
#: Interns a page of the list holds (by name); the CSV holds them all.
SHOWN = 25


class Reason:
    NO_REQUEST = "no_request"
    TURNED_DOWN = "turned_down"
    NOT_MET = "not_met"
    LABELS = {
        NO_REQUEST: "No request 30 days after registering",
        TURNED_DOWN: "Last request declined or expired, none since",
        NOT_MET: 'Accepted 30 days ago or more, no "we met"',
    }
    #: What the date beside each reason is.
    SINCE = {NO_REQUEST: "registered", TURNED_DOWN: "since", NOT_MET: "accepted"}


@dataclass
class ToReach:
    user_id: int
    name: str
    department: str
    registered: datetime
    reasons: list[tuple[str, datetime]] = field(default_factory=list)  # (reason, since when)


def _people(session: Session, scope: Scope, condition, since):
    stmt = (
        sa.select(User.id, User.name, Department.name, User.created_at, since)
        .join(Profile, Profile.user_id == User.id)
        .outerjoin(Department, Department.id == Profile.department_id)
        # Invited by a roster and not joined yet: the roster page resends their link.
        .where(User.id.in_(interns(scope)), User.password_hash != AWAITING_INVITATION, condition)
    )
    return session.execute(stmt).all()


def _turned_down(now: datetime):
    """The intern's latest request was declined or expired, and none of
    theirs is accepted (a connection under way)."""
    later = aliased(IntroRequest)
    accepted = aliased(IntroRequest)
    ended_badly = sa.or_(
        IntroRequest.status.in_((RequestStatus.DECLINED, RequestStatus.EXPIRED)),
        sa.and_(IntroRequest.status == RequestStatus.PENDING, IntroRequest.expires_at <= now),
    )
    latest = ~sa.exists(
        sa.select(later.id).where(
            later.requester_id == IntroRequest.requester_id,
            sa.or_(
                later.created_at > IntroRequest.created_at,
                sa.and_(later.created_at == IntroRequest.created_at, later.id > IntroRequest.id),
            ),
        )
    )
    none_accepted = ~sa.exists(
        sa.select(accepted.id).where(
            accepted.requester_id == IntroRequest.requester_id, accepted.status == RequestStatus.ACCEPTED
        )
    )
    return sa.and_(IntroRequest.requester_id == User.id, ended_badly, latest, none_accepted)


def interns_to_reach(session: Session, scope: Scope, now: datetime) -> list[ToReach]:
    """Every intern of the scope with a reason to reach them, by name."""
    found: dict[int, ToReach] = {}
    quiet_since = now - QUIET_DAYS
    no_request = sa.and_(
        User.created_at <= quiet_since,
        ~sa.exists(sa.select(IntroRequest.id).where(IntroRequest.requester_id == User.id)),
    )
    lists = (
        (Reason.NO_REQUEST, no_request, User.created_at),
        (Reason.TURNED_DOWN, _turned_down(now), sa.func.coalesce(IntroRequest.responded_at, IntroRequest.expires_at)),
        (
            Reason.NOT_MET,
            sa.and_(
                IntroRequest.requester_id == User.id,
                IntroRequest.status == RequestStatus.ACCEPTED,
                IntroRequest.responded_at <= quiet_since,
                ~sa.exists(sa.select(Mentorship.id).where(Mentorship.intro_request_id == IntroRequest.id)),
            ),
            IntroRequest.responded_at,
        ),
    )
    for reason, condition, since in lists:
        for user_id, name, department, registered, when in _people(session, scope, condition, since):
            person = found.setdefault(user_id, ToReach(user_id, name, department or "", registered))
            person.reasons.append((reason, when))
    return sorted(found.values(), key=lambda p: (p.name.casefold(), p.user_id))


REACH_HEADER = ["Name", "Department", "Registered", "Why", "Since"]


def reach_rows(people: list[ToReach], to_day) -> list[list]:
    """The list as CSV rows, one per reason; `to_day` turns a moment into
    the hospital's date."""
    return [
        [p.name, p.department, to_day(p.registered), Reason.LABELS[reason], to_day(when)]
        for p in people
        for reason, when in p.reasons
    ]
