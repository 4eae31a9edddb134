"""The coordinator's roster page: who was invited, when, who joined, whose
link expired; in one query, filtered by import and status; and as CSV."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.profiles.models import Department, Profile
from eventsapp.roster.invitations import in_scope
from eventsapp.roster.models import RosterImport, RosterInvitation

#: People listed on the page; the CSV has everyone.
SHOWN = 500


class Status:
    SENDING = "sending"
    WAITING = "waiting"
    JOINED = "joined"
    EXPIRED = "expired"
    LABELS = {
        SENDING: "Invitation being sent",
        WAITING: "Invited, not joined yet",
        JOINED: "Joined",
        EXPIRED: "Link expired",
    }
    ALL = tuple(LABELS)


@dataclass(frozen=True)
class Entry:
    user_id: int
    name: str
    email: str
    department: str
    invited_at: datetime
    sent_at: datetime | None
    expires_at: datetime | None
    accepted_at: datetime | None
    sends: int
    import_id: int | None
    status: str


def _status_condition(status: str, now: datetime):
    if status == Status.JOINED:
        return RosterInvitation.accepted_at.is_not(None)
    if status == Status.SENDING:
        return sa.and_(RosterInvitation.accepted_at.is_(None), RosterInvitation.token_hash.is_(None))
    if status == Status.EXPIRED:
        return sa.and_(RosterInvitation.accepted_at.is_(None), RosterInvitation.expires_at <= now)
    return sa.and_(RosterInvitation.accepted_at.is_(None), RosterInvitation.expires_at > now)


def entries(
    session: Session,
    allowed: frozenset[int] | None,
    *,
    now: datetime,
    import_id: int | None = None,
    status: str | None = None,
    limit: int | None = None,
) -> tuple[list[Entry], int]:
    """Invited people in scope, by name, and how many there are in all."""
    query = in_scope(
        sa.select(RosterInvitation, User.name, User.email, Department.name.label("department"))
        .join(User, User.id == RosterInvitation.user_id)
        .outerjoin(Profile, Profile.user_id == User.id)
        .outerjoin(Department, Department.id == Profile.department_id),
        allowed,
    )
    if import_id is not None:
        query = query.where(RosterInvitation.import_id == import_id)
    if status in Status.ALL:
        query = query.where(_status_condition(status, now))
    total = session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = session.execute(query.order_by(User.name_key, User.id).limit(limit)).all()
    return [_entry(inv, name, email, department, now) for inv, name, email, department in rows], total


def _entry(inv: RosterInvitation, name: str, email: str, department: str | None, now: datetime) -> Entry:
    if inv.accepted_at is not None:
        status = Status.JOINED
    elif inv.expires_at is None:
        status = Status.SENDING
    else:
        status = Status.EXPIRED if inv.expires_at <= now else Status.WAITING
    return Entry(
        inv.user_id,
        name,
        email,
        department or "",
        inv.invited_at,
        inv.sent_at,
        inv.expires_at,
        inv.accepted_at,
        inv.sends,
        inv.import_id,
        status,
    )


def imports_by(session: Session, uploader_id: int | None) -> list[RosterImport]:
    """Imports done (all of them for admins: `uploader_id` None), newest first."""
    query = sa.select(RosterImport).where(RosterImport.imported_at.is_not(None))
    if uploader_id is not None:
        query = query.where(RosterImport.uploaded_by_id == uploader_id)
    return list(session.scalars(query.order_by(RosterImport.imported_at.desc(), RosterImport.id.desc())))


HEADER = ["Name", "Email", "Department", "Status", "Invited", "Last sent", "Link valid until", "Joined", "Times sent"]


def csv_rows(listed: list[Entry], day) -> list[list]:
    """Rows for attendance's to_csv (which neutralises formulas); `day` writes a date."""

    def when(moment):
        return day(moment) if moment else ""

    return [
        [e.name, e.email, e.department, Status.LABELS[e.status], when(e.invited_at), when(e.sent_at),
         when(e.expires_at), when(e.accepted_at), e.sends]
        for e in listed
    ]  # fmt: skip
