"""Admin rules for the people directory and the two catalogues
(specialties and departments)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.accounts.models import Role, User
from eventsapp.errors import DomainError, NotFound
from eventsapp.profiles.models import CATALOGUE_NAME_MAX, Department, Profile, Specialty, profile_specialty
from eventsapp.text import clean, has_letter_or_digit, sort_key


@dataclass(frozen=True)
class Catalogue:
    """A list admins keep: its URL name, its model, and the words for it."""

    key: str
    model: type
    singular: str
    plural: str
    has_category: bool


CATALOGUES = {
    "specialties": Catalogue("specialties", Specialty, "specialty", "Specialties", True),
    "departments": Catalogue("departments", Department, "department", "Departments", False),
}


@dataclass(frozen=True)
class Page:
    items: list
    page: int
    pages: int
    total: int


def list_people(session: Session, *, query: str = "", role: str = "", page: int = 1, per_page: int = 25) -> Page:
    stmt = sa.select(User)
    if query:
        needle = clean(query).lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(User.name).contains(needle, autoescape=True), User.email.contains(needle, autoescape=True)
            )
        )
    if role in Role.ALL:
        stmt = stmt.where(User.role == role)
    total = session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list(session.scalars(stmt.order_by(User.name_key, User.id).limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, pages, total)


def _clean_name(raw: str, what: str, field: str = "name") -> str:
    name = clean(raw)
    if not has_letter_or_digit(name):
        raise DomainError(f"Enter the {what}'s name.", field=field)
    if len(name) > CATALOGUE_NAME_MAX:
        raise DomainError(f"Use at most {CATALOGUE_NAME_MAX} characters.", field=field)
    return name


def categories(session: Session) -> list[str]:
    """The headings specialties are grouped under, as members see them."""
    return sorted(session.scalars(sa.select(Specialty.category).distinct()), key=sort_key)


def _category(session: Session, chosen: str, new: str | None) -> str:
    """One of the existing categories, or, when `new` is given (the admin
    chose to add one), that new one, unless it only spells an existing one
    differently: a typo must not become a heading every member sees."""
    known = categories(session)
    if new is None:
        if chosen not in known:
            raise DomainError("Choose a category from the list, or “New category…” to add one.", field="category")
        return chosen
    name = _clean_name(new, "new category", field="new_category")
    same = next((c for c in known if c.casefold() == name.casefold()), None)
    if same is not None:
        raise DomainError(f"There is already a category called {same}: choose it from the list.", field="new_category")
    return name


def _name_taken(session: Session, catalogue: Catalogue, name: str, except_id: int | None) -> bool:
    model = catalogue.model
    stmt = sa.select(model.id).where(sa.func.lower(model.name) == name.lower())
    if except_id is not None:
        stmt = stmt.where(model.id != except_id)
    return session.scalar(stmt) is not None


def save_entry(
    session: Session,
    catalogue: Catalogue,
    *,
    name: str,
    category: str = "",
    new_category: str | None = None,
    entry_id: int | None = None,
):
    """Add an entry, or rename (and recategorise) an existing one. A
    specialty goes in an existing `category`, or in `new_category` when
    the admin chose to add one."""
    name = _clean_name(name, catalogue.singular)
    if catalogue.has_category:
        category = _category(session, category, new_category)
    if _name_taken(session, catalogue, name, entry_id):
        raise DomainError(f"There is already a {catalogue.singular} called {name}.", field="name")
    if entry_id is None:
        entry = catalogue.model(name=name)
        session.add(entry)
    else:
        entry = session.get(catalogue.model, entry_id)
        if entry is None:
            raise NotFound(f"No such {catalogue.singular}.")
        entry.name = name
    if catalogue.has_category:
        entry.category = category
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise DomainError(f"There is already a {catalogue.singular} called {name}.", field="name") from exc
    return entry


def set_active(session: Session, catalogue: Catalogue, entry_id: int, active: bool):
    """Retire an entry (it stays on the profiles that have it, but is no
    longer offered) or bring it back. Entries are never deleted."""
    entry = session.get(catalogue.model, entry_id)
    if entry is None:
        raise NotFound(f"No such {catalogue.singular}.")
    entry.is_active = active
    session.commit()
    return entry


def list_entries(session: Session, catalogue: Catalogue) -> list[tuple[object, int]]:
    """Every entry with how many profiles use it, in one query."""
    model = catalogue.model
    if model is Specialty:
        usage = (
            sa.select(profile_specialty.c.specialty_id.label("id"), sa.func.count().label("n"))
            .group_by(profile_specialty.c.specialty_id)
            .subquery()
        )
    else:
        usage = (
            sa.select(Profile.department_id.label("id"), sa.func.count().label("n"))
            .group_by(Profile.department_id)
            .subquery()
        )
    order = [model.category, model.name] if catalogue.has_category else [model.name]
    rows = session.execute(
        sa.select(model, sa.func.coalesce(usage.c.n, 0)).outerjoin(usage, usage.c.id == model.id).order_by(*order)
    )
    return [(entry, count) for entry, count in rows]
