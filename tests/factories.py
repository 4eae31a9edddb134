"""Small factories: each makes one thing with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from eventsapp.accounts import sessions
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.passwords import hash_password
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.profiles.help_kinds import offers_help, to_bits
from eventsapp.profiles.models import Department, Profile, Specialty
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow

DEFAULT_PASSWORD = "correct horse battery"
_DEFAULT_HASH = None
_counter = itertools.count(1)


def open_login(user_id: int, *, remembered: bool = False) -> str:
    """A session for the account, as a password login opens one (in the
    current app's database, committed): the login id its cookies hold."""
    lifetime = timedelta(days=30) if remembered else timedelta(hours=12)
    return sessions.open_session(
        db.session, user_id, now=utcnow(), lifetime=lifetime, remembered=remembered, user_agent="pytest"
    )


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


def make_user(
    name: str | None = None,
    *,
    email: str | None = None,
    role: str = Role.MEMBER,
    stage: str | None = "intern",
    pgy_year: int | None = None,
    department: Department | None = None,
    interests: list[str] = (),
    open_to_interns: bool = False,
    password: str | None = None,
    helps: list[str] = (),  # kinds of help looked for (interns) or offered (seniors)
    verified: bool = True,  # the address confirmed, as every account before confirming existed
    **profile,
) -> User:
    n = next(_counter)
    user = User(
        name=name or f"Person {n}",
        email=email or f"person{n}@hospital.example",
        password_hash=hash_password(password) if password else default_hash(),
        role=role,
        email_verified_at=utcnow() if verified else None,
        profile=Profile(
            career_stage=stage,
            pgy_year=pgy_year,
            department=department,
            open_to_interns=open_to_interns,
            specialties=[specialty(s) for s in interests],
            help_offered=to_bits(helps) if offers_help(stage) else 0,
            help_asked=0 if offers_help(stage) else to_bits(helps),
            **profile,
        ),
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_event(
    organizer: User | None = None,
    *,
    title: str = "Cardiology Grand Rounds",
    kind: str = "meeting",
    starts_in: timedelta = timedelta(days=7),
    duration: timedelta = timedelta(hours=1),
    capacity: int | None = None,
    timezone_name: str = "America/New_York",
    interests: list[str] = (),
    location: str = "Auditorium B",
    **fields,
) -> Event:
    """An upcoming event, stored directly (the services are tested on their own)."""
    organizer = organizer or make_user(role=Role.ORGANIZER, stage="attending")
    starts_at = (utcnow() + starts_in).replace(second=0, microsecond=0)
    event = Event(
        title=title,
        kind=kind,
        timezone=timezone_name,
        starts_at=starts_at,
        ends_at=starts_at + duration,
        capacity=capacity,
        location=location,
        organizer=organizer,
        specialties=[specialty(s) for s in interests],
        **fields,
    )
    db.session.add(event)
    db.session.commit()
    return event


def make_rsvp(event: Event, user: User, state: str = "going", **fields) -> Rsvp:
    rsvp = Rsvp(
        event_id=event.id, user_id=user.id, state=state, queued_at=utcnow() if state == "waitlisted" else None, **fields
    )
    db.session.add(rsvp)
    db.session.commit()
    return rsvp
