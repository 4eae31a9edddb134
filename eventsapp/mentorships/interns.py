"""Interns who would like to meet a senior: the requests waiting for their
answer, each with what the intern lets members see, and the interns going
to the senior's next events who share their interests. In a fixed number
of queries, whatever the hospital's size; it only reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.models import IntroRequest, waiting_at
from eventsapp.profiles.career import SENIOR_STAGES, STAGES
from eventsapp.profiles.models import Profile, profile_specialty
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.rules import may_see_name
from eventsapp.rsvps.states import RsvpState

#: How far ahead the senior's events are searched for interns to meet.
HORIZON = timedelta(weeks=4)
#: The most of the senior's upcoming events looked at (the soonest).
EVENTS_MAX = 100
#: Those the senior's events are searched for: who look for help rather than offer it.
LEARNERS = tuple(stage for stage in STAGES if stage not in SENIOR_STAGES)
#: The most interns listed under one event.
PER_EVENT = 8


@dataclass
class Intern:
    """An intern as members may see them, with what they share with the senior."""

    user: User
    department: str | None
    bio: str
    interests: list[str] | None  # None: kept private
    shared: list[str] = field(default_factory=list)


@dataclass
class WaitingRequest:
    request: IntroRequest
    intern: Intern
    events: list[Event]  # upcoming events both are going to


@dataclass
class EventInterns:
    event: Event
    interns: list[Intern]


@dataclass
class SeniorSide:
    waiting: list[WaitingRequest]
    events: list[EventInterns]


def as_shown(user: User, senior_profile: Profile) -> Intern:
    """What the intern lets members see. The help they look for is not
    shown: the profile promises that only they see it (it only ranks)."""
    profile = user.profile
    interests = [s.name for s in profile.specialties] if profile.show_interests else None
    mine = {s.name for s in senior_profile.specialties}
    return Intern(
        user=user,
        department=profile.department.name if profile.show_department and profile.department else None,
        bio=profile.bio if profile.show_bio else "",
        interests=interests,
        shared=[name for name in interests or [] if name in mine],
    )


def senior_side(session: Session, senior: User, now: datetime) -> SeniorSide:
    senior_profile = senior.profile
    requests = list(
        session.scalars(
            sa.select(IntroRequest)
            .where(IntroRequest.senior_id == senior.id, waiting_at(now))
            .order_by(IntroRequest.created_at, IntroRequest.id)
            .options(selectinload(IntroRequest.requester).joinedload(User.profile).selectinload(Profile.specialties))
        )
    )
    events = _upcoming_going(session, senior.id, now)
    requester_ids = [r.requester_id for r in requests]
    going = _interns_going(session, senior, [e.id for e in events], requester_ids)
    soon = [e for e in events if e.starts_at <= now + HORIZON]
    soon_ids = {e.id for e in soon}
    sharing = {uid for uid, event_ids in going.items() if uid not in requester_ids and soon_ids & set(event_ids)}
    others = {u.id: u for u in _load(session, sharing)}
    waiting = [
        WaitingRequest(
            r, as_shown(r.requester, senior_profile), [e for e in events if e.id in going.get(r.requester_id, ())]
        )
        for r in requests
    ]
    per_event, listed = [], set()
    for event in soon:  # each intern once, at the soonest of the senior's events they go to
        shown = [
            as_shown(u, senior_profile) for uid, u in others.items() if event.id in going[uid] and uid not in listed
        ]
        listed |= {i.user.id for i in shown}
        shown = sorted((i for i in shown if i.shared), key=lambda i: (i.user.name_key, i.user.id))
        if shown:
            per_event.append(EventInterns(event, shown[:PER_EVENT]))
    return SeniorSide(waiting, per_event)


def _upcoming_going(session: Session, senior_id: int, now: datetime) -> list[Event]:
    return list(
        session.scalars(
            sa.select(Event)
            .join(Rsvp, Rsvp.event_id == Event.id)
            .where(
                Rsvp.user_id == senior_id,
                Rsvp.state == RsvpState.GOING,
                Event.status == EventStatus.SCHEDULED,
                Event.starts_at > now,
            )
            .order_by(Event.starts_at, Event.id)
            .limit(EVENTS_MAX)
        )
    )


def _interns_going(session: Session, senior: User, event_ids: list[int], requester_ids: list[int]) -> dict:
    """Colleagues going to these events whose going the senior may see:
    those who asked them, and interns (and students) who show an interest
    the senior has. {user id: [event ids]}. Organizer rights are for
    running an event, not for finding people: they do not count here."""
    if not event_ids:
        return {}
    mine = sa.select(profile_specialty.c.specialty_id).where(profile_specialty.c.profile_id == senior.id)
    sharing = sa.and_(
        Profile.career_stage.in_(LEARNERS),
        Profile.show_interests,
        Profile.user_id.in_(
            sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.specialty_id.in_(mine))
        ),
    )
    rows = session.execute(
        sa.select(Rsvp.user_id, Rsvp.event_id, Profile.attendance_visibility)
        .join(Profile, Profile.user_id == Rsvp.user_id)
        .where(
            Rsvp.event_id.in_(event_ids),
            Rsvp.state == RsvpState.GOING,
            sa.or_(Rsvp.user_id.in_(requester_ids), sharing),
        )
    )
    going: dict[int, list[int]] = {}
    for user_id, event_id, visibility in rows:
        if may_see_name(
            visibility, viewer_is_self=False, viewer_is_organizer=False, viewer_is_member=True, viewer_is_going=True
        ):
            going.setdefault(user_id, []).append(event_id)
    return going


def _load(session: Session, user_ids: set[int]) -> list[User]:
    if not user_ids:
        return []
    return list(
        session.scalars(
            sa.select(User)
            .where(User.id.in_(sorted(user_ids)))
            .options(joinedload(User.profile).selectinload(Profile.specialties))
        )
    )
