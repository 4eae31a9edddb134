"""Where to meet them: upcoming events ranked by how many of the viewer's
suggested colleagues go, counted as each event's page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, EventStatus
from eventsapp.matching.eligibility import attendance_shown, good_matches
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp, RsvpState


@dataclass(frozen=True)
class MeetingPlace:
    event: Event
    matches: int


def where_to_meet(session: Session, viewer: User, now: datetime, limit: int = 20) -> list[MeetingPlace]:
    """Upcoming events ranked by how many of the viewer's suggested
    colleagues are going, of those the viewer may see there (two queries):
    each number is the one the event's Who to meet here gives."""
    if not viewer.profile.career_stage:
        return []
    ranked = session.execute(
        sa.select(Rsvp.event_id, sa.func.count().label("n"))
        .join(Event, Event.id == Rsvp.event_id)
        .join(Profile, Profile.user_id == Rsvp.user_id)
        # (The list of good matches is a statement of its own, not tied to the Profile joined here.)
        .where(
            Rsvp.state == RsvpState.GOING,
            Rsvp.user_id.in_(good_matches(session, viewer, now).correlate(None)),
            attendance_shown(Rsvp.event_id, viewer.id),
            Event.starts_at > now,
            Event.status == EventStatus.SCHEDULED,
        )
        .group_by(Rsvp.event_id)
        .order_by(sa.desc("n"), Rsvp.event_id)
        .limit(limit)
    ).all()
    events = {e.id: e for e in session.scalars(sa.select(Event).where(Event.id.in_([r[0] for r in ranked])))}
    places = [MeetingPlace(events[event_id], n) for event_id, n in ranked]
    places.sort(key=lambda p: (-p.matches, p.event.starts_at, p.event.id))
    return places
