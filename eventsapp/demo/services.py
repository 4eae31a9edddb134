"""Seeding the demo hospital into a database. Idempotent: each person is
looked up by email first, so a second run adds nothing."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.passwords import hash_password
from eventsapp.demo.people import DEMO_PASSWORD, DEPARTMENTS, DemoPerson, demo_people
from eventsapp.profiles.models import Department, Profile, Specialty

#: What the fixed demo logins are for, in the order demo_people() lists them.
LOGIN_LABELS = ("Intern", "Senior colleague", "Organizer", "Admin")


@dataclass(frozen=True)
class DemoLogin:
    label: str
    name: str
    email: str
    password: str


@dataclass(frozen=True)
class SeedReport:
    people_added: int
    departments_added: int
    specialties_added: int
    logins: list[DemoLogin]


def demo_logins() -> list[DemoLogin]:
    people = demo_people()[: len(LOGIN_LABELS)]
    return [DemoLogin(label, p.name, p.email, DEMO_PASSWORD) for label, p in zip(LOGIN_LABELS, people)]


def installed_logins(session: Session) -> list[DemoLogin]:
    """The demo logins, if the demo hospital is in this database."""
    logins = demo_logins()
    found = set(session.scalars(sa.select(User.email).where(User.email.in_([l.email for l in logins]))))
    return [login for login in logins if login.email in found]


def _get_or_create(session: Session, model, names: list[str], **extra) -> tuple[dict, int]:
    existing = {row.name: row for row in session.scalars(sa.select(model).where(model.name.in_(names)))}
    added = 0
    for name in names:
        if name not in existing:
            existing[name] = model(name=name, **extra)
            session.add(existing[name])
            added += 1
    return existing, added


def seed(session: Session) -> SeedReport:
    people = demo_people()
    departments, departments_added = _get_or_create(session, Department, list(DEPARTMENTS))
    specialty_names = sorted({name for p in people for name in p.specialties})
    # Normally present from the migration's curated list; created if an admin removed them.
    specialties, specialties_added = _get_or_create(session, Specialty, specialty_names,
                                                    category="Other interests")
    known = set(session.scalars(sa.select(User.email).where(User.email.in_([p.email for p in people]))))
    # One hash for everyone: the KDF is deliberately slow.
    password_hash = hash_password(DEMO_PASSWORD)
    added = 0
    for person in people:
        if person.email in known:
            continue
        session.add(_user_from(person, password_hash, departments, specialties))
        added += 1
    session.commit()
    return SeedReport(added, departments_added, specialties_added, demo_logins())


def _user_from(person: DemoPerson, password_hash: str, departments: dict, specialties: dict) -> User:
    profile = Profile(
        career_stage=person.career_stage,
        pgy_year=person.pgy_year,
        department=departments[person.department],
        bio=person.bio,
        open_to_interns=person.open_to_interns,
        intro_capacity=person.intro_capacity,
        specialties=[specialties[name] for name in person.specialties],
    )
    return User(name=person.name, email=person.email, password_hash=password_hash,
                role=person.role, profile=profile)
