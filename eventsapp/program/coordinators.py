"""Who may see the program pages, and over which departments."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.profiles.models import Department
from eventsapp.program.models import Coordinator, coordinator_department
from eventsapp.timeutil import utcnow


@dataclass(frozen=True)
class Scope:
    """The interns a viewer's program pages count: every department
    (`department_ids` None) or those listed."""

    department_ids: frozenset[int] | None

    @property
    def whole_hospital(self) -> bool:
        return self.department_ids is None


@dataclass(frozen=True)
class Grant:
    user: User
    whole_hospital: bool
    departments: list[str]


def scope_for(session: Session, user: User) -> Scope | None:
    """Admins see the whole hospital; a coordinator the whole hospital or
    their departments; anyone else None."""
    if user.is_admin:
        return Scope(None)
    rows = session.execute(
        sa.select(Coordinator.whole_hospital, coordinator_department.c.department_id)
        .outerjoin(coordinator_department, coordinator_department.c.user_id == Coordinator.user_id)
        .where(Coordinator.user_id == user.id)
    ).all()
    if not rows:
        return None
    if rows[0].whole_hospital:
        return Scope(None)
    return Scope(frozenset(d for _, d in rows if d is not None))


def grant(session: Session, *, actor: User, email: str, department_ids: list[int]) -> User:
    """An admin makes a member a coordinator, or changes their departments
    (none: the whole hospital)."""
    if not actor.is_admin:
        raise NotAllowed("Only admins can grant coordinator rights.")
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise DomainError("No account has that email address.", field="email")
    known = set(session.scalars(sa.select(Department.id).where(Department.id.in_(department_ids))))
    if known != set(department_ids):
        raise DomainError("Choose departments from the list.", field="department_ids")
    coordinator = session.get(Coordinator, user.id)
    if coordinator is None:
        coordinator = Coordinator(user_id=user.id, granted_by_id=actor.id, granted_at=utcnow())
        session.add(coordinator)
    coordinator.whole_hospital = not known
    session.flush()
    session.execute(sa.delete(coordinator_department).where(coordinator_department.c.user_id == user.id))
    if known:
        session.execute(sa.insert(coordinator_department), [{"user_id": user.id, "department_id": d} for d in known])
    session.commit()
    return user


def revoke(session: Session, *, actor: User, user_id: int) -> User:
    if not actor.is_admin:
        raise NotAllowed("Only admins can take coordinator rights away.")
    coordinator = session.get(Coordinator, user_id)
    if coordinator is None:
        raise NotFound("That person is not a coordinator.")
    user = session.get(User, user_id)
    session.execute(sa.delete(coordinator_department).where(coordinator_department.c.user_id == user_id))
    session.delete(coordinator)
    session.commit()
    return user


def list_grants(session: Session) -> list[Grant]:
    """Every coordinator with their departments' names, in two queries."""
    users = session.execute(
        sa.select(User, Coordinator.whole_hospital)
        .join(Coordinator, Coordinator.user_id == User.id)
        .order_by(User.name_key)
    ).all()
    names: dict[int, list[str]] = {}
    rows = session.execute(
        sa.select(coordinator_department.c.user_id, Department.name)
        .join(Department, Department.id == coordinator_department.c.department_id)
        .order_by(Department.name)
    )
    for user_id, name in rows:
        names.setdefault(user_id, []).append(name)
    return [Grant(user, whole, names.get(user.id, [])) for user, whole in users]
