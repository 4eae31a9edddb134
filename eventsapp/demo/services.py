"""Seeding the demo hospital into a database. Idempotent: each person is
looked up by email first, so a second run adds nothing."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.passwords import hash_password
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.demo.demand import seed_turned_down
from eventsapp.demo.events import DEMO_EVENTS, DemoEvent
from eventsapp.demo.helps import help_kinds_of
from eventsapp.demo.introductions import seed_introductions
from eventsapp.demo.mentorships import seed_mentorships
from eventsapp.demo.people import DEMO_PASSWORD, DEPARTMENTS, SEED, DemoPerson, demo_people
from eventsapp.demo.program import seed_coordinator, seed_requirement
from eventsapp.demo.speed import seed_speed
from eventsapp.events.models import Event, EventStatus
from eventsapp.events.recurrence import Recurrence
from eventsapp.events.services import EventDetails, create_event
from eventsapp.profiles.help_kinds import offers_help, to_bits
from eventsapp.profiles.models import Department, Profile, Specialty
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow

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
    events_added: int
    rsvps_added: int
    logins: list[DemoLogin]
    introductions_added: int = 0
    mentorships_added: int = 0

    def summary(self) -> str:
        """What this run added, in words; a run that found everything says so."""
        parts = [
            _count(n, word)
            for n, word in (
                (self.people_added, "person"),
                (self.departments_added, "department"),
                (self.specialties_added, "specialty"),
                (self.events_added, "event"),
                (self.rsvps_added, "answer"),
                (self.introductions_added, "introduction request"),
                (self.mentorships_added, "mentorship"),
            )
            if n
        ]
        if not parts:
            return "The demo hospital is already in this database: nothing to add."
        listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return f"Demo hospital: {listed} added."


def _count(n: int, word: str) -> str:
    plural = {"person": "people", "specialty": "specialties"}.get(word, word + "s")
    return f"{n:,} {word if n == 1 else plural}"


def demo_logins() -> list[DemoLogin]:
    people = demo_people()[: len(LOGIN_LABELS)]
    return [DemoLogin(label, p.name, p.email, DEMO_PASSWORD) for label, p in zip(LOGIN_LABELS, people, strict=True)]


def installed_logins(session: Session) -> list[DemoLogin]:
    """The demo logins, if the demo hospital is in this database."""
    logins = demo_logins()
    found = set(session.scalars(sa.select(User.email).where(User.email.in_([login.email for login in logins]))))
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
    specialties, specialties_added = _get_or_create(session, Specialty, specialty_names, category="Other interests")
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
    events_added, rsvps_added = seed_events(session, people)
    introductions_added = seed_introductions(session, people)
    mentorships_added = seed_mentorships(session, people)
    seed_coordinator(session)
    seed_turned_down(session)
    seed_requirement(session)
    speed = seed_speed(session, people)  # after the introductions: its own come on top
    return SeedReport(
        added,
        departments_added,
        specialties_added,
        events_added + speed.events,
        rsvps_added + speed.answers,
        demo_logins(),
        introductions_added + speed.introductions,
        mentorships_added,
    )


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
    kinds = to_bits(help_kinds_of(person))
    profile.help_offered, profile.help_asked = (kinds, 0) if offers_help(person.career_stage) else (0, kinds)
    # Demo addresses receive no mail: they count as confirmed.
    return User(
        name=person.name,
        email=person.email,
        password_hash=password_hash,
        role=person.role,
        profile=profile,
        email_verified_at=utcnow(),
    )


# --- Events, answers and attendance ---------------------------------------------


def _first_day(today: date, spec: DemoEvent) -> date:
    day = today + timedelta(days=spec.day_offset)
    if spec.weekday is not None:
        day += timedelta(days=(spec.weekday - day.weekday()) % 7)
    return day


def _details(spec: DemoEvent, day: date, zone: str, departments: dict, specialties: dict) -> EventDetails:
    if spec.start is None:
        times = {"all_day": True, "end_date": day + timedelta(days=spec.days - 1)}
    else:
        end = datetime.combine(day, spec.start) + timedelta(minutes=spec.minutes)
        times = {"start_time": spec.start, "end_date": end.date(), "end_time": end.time()}
    return EventDetails(
        title=spec.title,
        kind=spec.kind,
        timezone=zone,
        start_date=day,
        description=spec.description,
        location=spec.location,
        online_url=spec.online_url,
        department_id=departments[spec.department].id if spec.department else None,
        specialty_ids=[specialties[name].id for name in spec.specialties],
        capacity=spec.capacity,
        **times,
    )


def seed_events(session: Session, people: list[DemoPerson]) -> tuple[int, int]:
    """The demo events with answers and past check-ins; only into a
    database that has no events yet, so a second run adds nothing."""
    if session.scalar(sa.select(sa.func.count()).select_from(Event)):
        return 0, 0
    zone = current_app.config["APP_TIMEZONE"]
    now = utcnow()
    today = now.astimezone(ZoneInfo(zone)).date()
    users = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_([p.email for p in people])))}
    organizers = {}
    for person in people:
        if person.role in ("organizer", "admin"):
            organizers.setdefault(person.department, users[person.email])
    departments = {d.name: d for d in session.scalars(sa.select(Department))}
    specialties = {s.name: s for s in session.scalars(sa.select(Specialty))}
    created = []
    for spec in DEMO_EVENTS:
        day = _first_day(today, spec)
        repeat = None
        if spec.repeat:
            frequency, interval, span = spec.repeat
            repeat = Recurrence(frequency, interval, day + timedelta(days=span))
        first = create_event(
            session, organizers[spec.organizer_department], _details(spec, day, zone, departments, specialties), repeat
        )
        occurrences = first.series.occurrences if first.series else [first]
        created += [(spec, event) for event in occurrences]
    rng = random.Random(SEED)  # nosec B311  # the same demo answers on every run; no secret comes from it
    everyone = [users[p.email] for p in people]
    rsvps = sum(_answer_and_attend(session, rng, spec, event, everyone, users, now) for spec, event in created)
    session.commit()
    return len(created), rsvps


#: Who the demo logins are going to, so their pages show something real.
DEMO_PLANS = {
    "intern@riverside.example": {
        "Internal Medicine Grand Rounds": "going",
        "Cardiology Journal Club": "going",
        "Riverside Cardiovascular Symposium": "going",
        "Mentorship Coffee Hour": "waitlisted",
        "Intern Welcome Mixer": "going",
        "Tumor Board: Open Teaching Session": "maybe",
    },
    "senior@riverside.example": {
        "Cardiology Journal Club": "going",
        "Riverside Cardiovascular Symposium": "going",
        "Mentorship Coffee Hour": "going",
        "Internal Medicine Grand Rounds": "going",
        "Intern Welcome Mixer": "going",
    },
}


def _answer_and_attend(session, rng, spec: DemoEvent, event: Event, everyone, users, now) -> int:
    pool = [u for u in everyone if u.email not in DEMO_PLANS]
    size = int(len(pool) * spec.attendance)
    if spec.full:
        size = event.capacity + 5
    chosen = rng.sample(pool, min(size, len(pool)))
    planned = [(users[email], plans[spec.title]) for email, plans in DEMO_PLANS.items() if spec.title in plans]
    answered_at = min(event.starts_at - timedelta(days=1), now) - timedelta(days=10)
    going = 0
    rows = []
    # The demo logins answered first (their waitlist place is near the front).
    order = (
        [u for u, state in planned if state != "waitlisted"]
        + chosen[:-6]
        + [u for u, state in planned if state == "waitlisted"]
        + chosen[-6:]
    )
    plan = dict(planned)
    for step, user in enumerate(order):
        state = plan.get(user, "maybe" if rng.random() < 0.12 and not spec.full else "going")
        if state in ("going", "waitlisted"):
            state = "going" if event.capacity is None or going < event.capacity else "waitlisted"
        going += state == "going"
        at = answered_at + timedelta(minutes=7 * step)
        rows.append(
            Rsvp(
                event_id=event.id,
                user_id=user.id,
                state=state,
                created_at=at,
                updated_at=at,
                queued_at=at if state == "waitlisted" else None,
            )
        )
    session.add_all(rows)
    event.waitlist_peak = sum(rsvp.state == "waitlisted" for rsvp in rows)  # (no one left the queue since)
    if spec.cancelled:
        event.status, event.cancelled_at = EventStatus.CANCELLED, now - timedelta(days=2)
        event.revision += 1
    elif event.ends_at < now:
        for rsvp in rows:
            if rsvp.state == "going" and rng.random() < 0.75:
                session.add(
                    CheckIn(
                        event_id=event.id,
                        user_id=rsvp.user_id,
                        method=rng.choice((CheckInMethod.QR, CheckInMethod.ORGANIZER)),
                        checked_in_at=event.starts_at + timedelta(minutes=rng.randint(-20, 15)),
                    )
                )
    return len(rows)
