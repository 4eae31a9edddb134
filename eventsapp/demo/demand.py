"""The demo's turned-down requests: two of Internal Medicine's interns
declined, one left to expire, by cardiologists, so the program's unmet
demand has declines and expiries to count and interns to reach."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.demo.program import DEPARTMENT
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.profiles import career
from eventsapp.profiles.models import Department, Profile, Specialty, profile_specialty
from eventsapp.timeutil import utcnow

SPECIALTY = "Cardiology"
DEMO_DOMAIN = "@riverside.example"
#: The demo logins' own pages stay as the README describes them.
LOGINS = [f"{who}{DEMO_DOMAIN}" for who in ("intern", "senior", "organizer", "admin")]


def _demo(stages, *conditions):
    """Demo accounts at these stages, not the demo logins, by id."""
    return (
        sa.select(User.id)
        .join(Profile, Profile.user_id == User.id)
        .where(
            Profile.career_stage.in_(stages),
            User.email.endswith(DEMO_DOMAIN),
            User.email.not_in(LOGINS),
            *conditions,
        )
        .order_by(User.id)
    )


def seed_turned_down(session: Session) -> int:
    """Three requests, only into a database with none declined or expired."""
    ended = (RequestStatus.DECLINED, RequestStatus.EXPIRED)
    if session.scalar(sa.select(sa.func.count()).where(IntroRequest.status.in_(ended))):
        return 0
    in_department = Profile.department_id.in_(sa.select(Department.id).where(Department.name == DEPARTMENT))
    cardiologist = Profile.user_id.in_(
        sa.select(profile_specialty.c.profile_id)
        .join(Specialty, Specialty.id == profile_specialty.c.specialty_id)
        .where(Specialty.name == SPECIALTY)
    )
    involved = sa.union(sa.select(IntroRequest.requester_id), sa.select(IntroRequest.senior_id))
    interns = list(session.scalars(_demo((career.INTERN,), in_department, User.id.not_in(involved)).limit(3)))
    seniors = list(session.scalars(_demo(career.SENIOR_STAGES, Profile.open_to_interns, cardiologist)))
    if not seniors:
        return 0
    now = utcnow()
    answers = ((RequestStatus.DECLINED, 20), (RequestStatus.DECLINED, 12), (RequestStatus.EXPIRED, 25))
    pairs = list(zip(interns, itertools.cycle(seniors), answers, strict=False))
    for intern_id, senior_id, (status, days_ago) in pairs:
        asked = now - timedelta(days=days_ago)
        session.add(
            IntroRequest(
                requester_id=intern_id,
                senior_id=senior_id,
                message="Could we talk about a career in cardiology?",
                status=status,
                created_at=asked,
                expires_at=asked + timedelta(days=14),
                responded_at=asked + timedelta(days=2) if status == RequestStatus.DECLINED else None,
            )
        )
    session.commit()
    return len(pairs)
