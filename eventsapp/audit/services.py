"""Writing, reading and purging the audit log; plain values in, no request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.audit.models import Action, AuditEntry
from eventsapp.errors import DomainError


def label_of(user: User | None) -> str:
    """How an actor is named in the log: name and address, as they were."""
    return "" if user is None else f"{user.name} <{user.email}>"[:400]


def subject_of(user: User) -> str:
    """A person as a subject: "Maya Okafor (#12)"."""
    return f"{user.name} (#{user.id})"[:300]


def record(
    session: Session, *, actor: User | None, action: str, subject: str, detail: str = "", address=None, at, label=None
):
    """Add an entry to the session (the caller commits it with its action);
    `label` names an actor whose account is gone already."""
    if action not in Action.ALL:
        raise DomainError(f"Unknown audit action {action!r}.")
    entry = AuditEntry(
        at=at,
        actor_id=None if actor is None else actor.id,
        actor_label=label_of(actor) if label is None else label[:400],
        action=action,
        subject=subject[:300],
        detail=detail[:300],
        address=address[:45] if address else None,
    )
    session.add(entry)
    return entry


def purge(session: Session, before: datetime) -> int:
    """Delete the entries written before `before`; how many."""
    purged = session.execute(sa.delete(AuditEntry).where(AuditEntry.at < before)).rowcount
    session.commit()
    return purged


@dataclass(frozen=True)
class Filters:
    """What the admin asked for: an action, part of a name, a time span (UTC, end excluded)."""

    action: str = ""
    person: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    page: int
    has_next: bool


def _filtered(filters: Filters):
    query = sa.select(AuditEntry)
    if filters.action in Action.ALL:
        query = query.where(AuditEntry.action == filters.action)
    if filters.person:
        pattern = "%" + filters.person.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(
            sa.or_(AuditEntry.actor_label.ilike(pattern, escape="\\"), AuditEntry.subject.ilike(pattern, escape="\\"))
        )
    if filters.start is not None:
        query = query.where(AuditEntry.at >= filters.start)
    if filters.end is not None:
        query = query.where(AuditEntry.at < filters.end)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def list_entries(session: Session, filters: Filters, *, page: int = 1, per_page: int = 50) -> Page:
    """One page of matching entries, newest first (one query: a row more tells of a next page)."""
    page = max(page, 1)  # "?page=0" is the first page, never a negative offset
    rows = list(session.scalars(_filtered(filters).limit(per_page + 1).offset((page - 1) * per_page)))
    return Page(rows[:per_page], page, len(rows) > per_page)


def all_entries(session: Session, filters: Filters, limit: int = 100_000) -> list[AuditEntry]:
    """Every matching entry for a download, newest first (bounded)."""
    return list(session.scalars(_filtered(filters).limit(limit)))
