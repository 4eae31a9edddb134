"""The demo's program coordinator: the organizer login, for Internal
Medicine, so the program pages have a department's interns to show; the
demo's interns registered six weeks ago, so some are due a nudge; its
grand rounds ask 70% attendance, so some are below it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, Series
from eventsapp.profiles import career
from eventsapp.profiles.models import Department, Profile
from eventsapp.program.models import Coordinator, coordinator_department
from eventsapp.timeutil import utcnow

COORDINATOR_EMAIL = "organizer@riverside.example"
DEPARTMENT = "Internal Medicine"
REGISTERED_AGO = timedelta(days=42)


def seed_coordinator(session: Session) -> bool:
    """Grant it once; True when it was added now."""
    user_id = session.scalar(sa.select(User.id).where(User.email == COORDINATOR_EMAIL))
    department_id = session.scalar(sa.select(Department.id).where(Department.name == DEPARTMENT))
    if user_id is None or department_id is None or session.get(Coordinator, user_id) is not None:
        return False
    session.add(Coordinator(user_id=user_id, granted_at=utcnow()))
    session.flush()
    session.execute(sa.insert(coordinator_department).values(user_id=user_id, department_id=department_id))
    interns = sa.select(Profile.user_id).where(Profile.career_stage == career.INTERN)
    session.execute(
        sa.update(User)
        .where(User.id.in_(interns), User.email.endswith("@riverside.example"))
        .values(created_at=utcnow() - REGISTERED_AGO)
    )
    session.commit()
    return True


REQUIRED_SERIES = "Internal Medicine Grand Rounds"
REQUIRED_PERCENT = 70


def seed_requirement(session: Session) -> None:
    """The grand rounds' requirement, on the series of that title (if any)."""
    series_ids = sa.select(Event.series_id).where(Event.title == REQUIRED_SERIES, Event.series_id.is_not(None))
    session.execute(
        sa.update(Series)
        .where(Series.id.in_(series_ids), Series.required_percent.is_(None))
        .values(required_percent=REQUIRED_PERCENT)
    )
    session.commit()
