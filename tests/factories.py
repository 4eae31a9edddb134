"""Small factories: each makes one thing with sensible defaults."""
from __future__ import annotations

import itertools

import sqlalchemy as sa

from eventsapp.accounts.models import Role, User
from eventsapp.accounts.passwords import hash_password
from eventsapp.extensions import db
from eventsapp.profiles.models import Department, Profile, Specialty

DEFAULT_PASSWORD = "correct horse battery"
_DEFAULT_HASH = None
_counter = itertools.count(1)


def default_hash() -> str:
    # The KDF is deliberately slow; hash the shared test password once.
    global _DEFAULT_HASH
    if _DEFAULT_HASH is None:
        _DEFAULT_HASH = hash_password(DEFAULT_PASSWORD)
    return _DEFAULT_HASH


def make_department(name: str | None = None, **fields) -> Department:
    department = Department(name=name or f"Department {next(_counter)}", **fields)
    db.session.add(department)
    db.session.commit()
    return department


def specialty(name: str) -> Specialty:
    """One of the curated specialties the migration installs."""
    found = db.session.scalar(sa.select(Specialty).where(Specialty.name == name))
    assert found is not None, f"{name} is not in the curated list"
    return found


def make_user(name: str | None = None, *, email: str | None = None, role: str = Role.MEMBER,
              stage: str | None = "intern", pgy_year: int | None = None,
              department: Department | None = None, interests: list[str] = (),
              open_to_interns: bool = False, password: str | None = None, **profile) -> User:
    n = next(_counter)
    user = User(
        name=name or f"Person {n}",
        email=email or f"person{n}@hospital.example",
        password_hash=hash_password(password) if password else default_hash(),
        role=role,
        profile=Profile(career_stage=stage, pgy_year=pgy_year, department=department,
                        open_to_interns=open_to_interns,
                        specialties=[specialty(s) for s in interests], **profile),
    )
    db.session.add(user)
    db.session.commit()
    return user
