"""Who takes part in an event's speed mentoring: interns and students on
one side, senior colleagues open to interns on the other. Before the doors
open, those going; once anyone is checked in, those checked in (check-in at
the door decides who is present) who have not since answered that they are
not going, or whom the organizer marked as having left the evening
(SpeedDeparture). Three queries, whatever the size."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.profiles import career, help_kinds
from eventsapp.profiles.models import Profile, Specialty, profile_specialty
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.speed.models import SpeedDeparture, SpeedSession
from eventsapp.speed.pairing import Person

#: The intern side: those who look for help.
INTERN_STAGES = (career.STUDENT, career.INTERN)


@dataclass(frozen=True)
class Present:
    interns: list[Person]
    seniors: list[Person]
    from_check_in: bool  # True once check-in has begun
    going: int  # people going to the event (both sides and others)
    checked_in: int  # members checked in
    interest_names: dict[int, str] = field(default_factory=dict)

    @property
    def names(self) -> dict[int, str]:
        return {p.user_id: p.name for p in (*self.interns, *self.seniors)}


def _counts(session: Session, event_id: int) -> tuple[int, int]:
    going = sa.select(sa.func.count()).where(Rsvp.event_id == event_id, Rsvp.state == RsvpState.GOING)
    checked = sa.select(sa.func.count()).where(CheckIn.event_id == event_id, CheckIn.user_id.is_not(None))
    row = session.execute(sa.select(going.scalar_subquery(), checked.scalar_subquery())).one()
    return row[0], row[1]


def departed(event_id: int):
    """The ids of those the organizer marked as having left the evening."""
    return (
        sa.select(SpeedDeparture.user_id)
        .join(SpeedSession, SpeedSession.id == SpeedDeparture.session_id)
        .where(SpeedSession.event_id == event_id)
    )


def _source(event_id: int, from_check_in: bool):
    """Their ids, less those marked as having left the evening. Once
    check-in has begun: those checked in, less those who then said they are
    not going after all (check-ins are never taken back, so the answer after
    it, or the organizer's "Left the evening", is what tells)."""
    if from_check_in:
        left = sa.exists().where(
            Rsvp.event_id == event_id,
            Rsvp.user_id == CheckIn.user_id,
            Rsvp.state != RsvpState.GOING,
            Rsvp.updated_at > CheckIn.checked_in_at,
        )
        return sa.select(CheckIn.user_id).where(
            CheckIn.event_id == event_id,
            CheckIn.user_id.is_not(None),
            sa.not_(left),
            CheckIn.user_id.not_in(departed(event_id)),
        )
    return sa.select(Rsvp.user_id).where(
        Rsvp.event_id == event_id,
        Rsvp.state == RsvpState.GOING,
        Rsvp.user_id.is_not(None),
        Rsvp.user_id.not_in(departed(event_id)),
    )


def present(session: Session, event_id: int) -> Present:
    """The participants present (or, before check-in, going), by side, with
    the interests they show and the help they look for or offer."""
    going, checked_in = _counts(session, event_id)
    from_check_in = checked_in > 0
    source = _source(event_id, from_check_in)
    taking_part = sa.or_(
        Profile.career_stage.in_(INTERN_STAGES),
        sa.and_(Profile.career_stage.in_(career.SENIOR_STAGES), Profile.open_to_interns),
    )
    rows = session.execute(
        sa.select(
            User.id, User.name, Profile.career_stage, Profile.help_asked, Profile.help_offered, Profile.show_interests
        )
        .join(Profile, Profile.user_id == User.id)
        .where(User.id.in_(source), taking_part)
        .order_by(User.name_key, User.id)
    ).all()
    interests: dict[int, set[int]] = {}
    names: dict[int, str] = {}
    for profile_id, specialty_id, name in session.execute(
        sa.select(profile_specialty.c.profile_id, Specialty.id, Specialty.name)
        .join(Specialty, Specialty.id == profile_specialty.c.specialty_id)
        .join(Profile, Profile.user_id == profile_specialty.c.profile_id)
        .where(profile_specialty.c.profile_id.in_(source), Profile.show_interests)
    ):
        interests.setdefault(profile_id, set()).add(specialty_id)
        names[specialty_id] = name
    interns, seniors = [], []
    for row in rows:
        senior = row.career_stage in career.SENIOR_STAGES
        helps = help_kinds.from_bits(row.help_offered if senior else row.help_asked)
        # A senior's offers count only where they show them, like their interests.
        person = Person(row.id, row.name, frozenset(interests.get(row.id, ())), helps, help_shown=row.show_interests)
        (seniors if senior else interns).append(person)
    return Present(interns, seniors, from_check_in, going, checked_in, names)
