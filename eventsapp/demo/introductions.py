"""The demo's introductions: some waiting, some accepted, so that the
demo logins' pages show each state."""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.demo.people import DemoPerson
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow


class Cast(NamedTuple):
    """The demo's intern and senior logins, the other interns, and the
    fellows and attendings open to interns in cardiology or research."""

    maya: User
    tomas: User
    interns: list[User]
    seniors: list[User]


def demo_cast(session: Session, people: list[DemoPerson]) -> Cast:
    """The cast of the demo's introductions and mentorships, in a fixed order."""
    users = {u.email: u for u in session.scalars(sa.select(User).where(User.email.in_([p.email for p in people])))}
    maya, tomas = users["intern@riverside.example"], users["senior@riverside.example"]
    interns = [users[p.email] for p in people[4:] if p.career_stage == "intern"]
    seniors = [
        users[p.email]
        for p in people[4:]
        if p.open_to_interns
        and p.career_stage in ("fellow", "attending")
        and {"Cardiology", "Clinical research"} & set(p.specialties)
    ]
    return Cast(maya, tomas, interns, seniors)


def seed_introductions(session: Session, people: list[DemoPerson]) -> int:
    """Some pending and accepted introductions, and seniors wearing the
    'happy to be approached' ribbon; only into a database that has none."""
    if session.scalar(sa.select(sa.func.count()).select_from(IntroRequest)):
        return 0
    maya, tomas, interns, seniors = demo_cast(session, people)
    now = utcnow()
    requests = [
        # Maya: one colleague already accepted, one still thinking about it.
        (maya, seniors[0], RequestStatus.ACCEPTED, "I'd love advice on getting started in cardiology research."),
        (
            maya,
            seniors[1],
            RequestStatus.PENDING,
            "Could we talk about your clinical research? I'm an intern "
            "in Internal Medicine interested in heart failure.",
        ),
        # Tomás: two interns waiting for his answer, one connection.
        (
            interns[0],
            tomas,
            RequestStatus.PENDING,
            "I'm interested in critical care cardiology and would value your perspective on fellowship choices.",
        ),
        (
            interns[1],
            tomas,
            RequestStatus.PENDING,
            "I saw you teach at grand rounds. Could I ask you about medical education as a career?",
        ),
        (interns[2], tomas, RequestStatus.ACCEPTED, "Hoping to learn how you balance research and clinics."),
    ]
    for number, (requester, senior, status, message) in enumerate(requests):
        asked = now - timedelta(days=6 - number)
        session.add(
            IntroRequest(
                requester_id=requester.id,
                senior_id=senior.id,
                message=message,
                status=status,
                created_at=asked,
                expires_at=asked + timedelta(days=14),
                responded_at=asked + timedelta(days=1) if status == RequestStatus.ACCEPTED else None,
            )
        )
    # Tomás wears the ribbon at the events he goes to.
    session.execute(sa.update(Rsvp).where(Rsvp.user_id == tomas.id, Rsvp.state == "going").values(approachable=True))
    session.commit()
    return len(requests)
