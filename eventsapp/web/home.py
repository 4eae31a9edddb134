"""What a member's home page holds: their next events and whom to meet
there, the introduction requests waiting, their mentorships, unread
notifications, and what to do next. Reads only, in a fixed number of queries whatever the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event, EventStatus
from eventsapp.introductions.waiting import Waiting, waiting_requests
from eventsapp.matching import scoring
from eventsapp.matching import services as matching
from eventsapp.mentorships.reading import ActiveMentorship, active_mentorships
from eventsapp.notifications.models import Notification
from eventsapp.notifications.services import unread
from eventsapp.profiles.models import profile_specialty
from eventsapp.rsvps.models import Rsvp, RsvpState

#: How many of the member's next events the page lists.
NEXT_EVENTS = 4
#: Colleagues named under each event.
MEET_AT_EACH = 3
#: Unread notifications listed (the rest are on /notifications).
UNREAD_SHOWN = 5


@dataclass(frozen=True)
class NextEvent:
    event: Event
    meet: list[scoring.Suggestion]  # the viewer's best suggestions who go too, best first


@dataclass(frozen=True)
class MemberHome:
    next_events: list[NextEvent]
    waiting: Waiting
    mentorships: list[ActiveMentorship]
    now: datetime  # the page's moment (a next meeting past it is not "next")
    unread: list[Notification]
    gets_suggestions: bool  # someone is further along than them
    needs_stage: bool  # no career stage: nobody can be suggested yet
    needs_interests: bool  # no interests: suggestions rest on shared events only


def member_home(
    session: Session, user: User, *, now: datetime, zone: str, suggestions_shown: int, unread_count: int
) -> MemberHome:
    """The member's own page. Whom to meet at each event comes from one
    ranking of the member's suggestions (People to meet's own), not from a
    ranking per event."""
    rows = session.execute(_next_events_query(), {"user_id": user.id, "now": now}).all()
    events = [event for event, _ in rows]
    # Whether they have interests comes with their events (a query saved
    # where the suggestions run); without events, from the profile.
    has_interests = rows[0][1] if rows else bool(user.profile.specialties)
    meet: dict[int, list[scoring.Suggestion]] = {e.id: [] for e in events}
    gets_suggestions = bool(matching.suggestible_stages(user))
    if events and gets_suggestions:
        for suggestion in matching.suggestions(session, user, now=now, zone=zone, limit=suggestions_shown):
            for ref in suggestion.candidate.upcoming_together:  # every event they both go to
                going = meet.get(ref.id)
                if going is not None and len(going) < MEET_AT_EACH:
                    going.append(suggestion)
    return MemberHome(
        next_events=[NextEvent(e, meet[e.id]) for e in events],
        waiting=waiting_requests(session, user.id, now),
        mentorships=active_mentorships(session, user.id),
        now=now,
        unread=unread(session, user.id, UNREAD_SHOWN) if unread_count else [],
        gets_suggestions=gets_suggestions,
        needs_stage=not user.profile.career_stage,
        needs_interests=not has_interests,
    )


@cache
def _next_events_query():
    """The member's next events they are going to (under way or to come),
    soonest first, each with whether the member has interests at all;
    parameters user_id and now."""
    user_id = sa.bindparam("user_id")
    has_interests = sa.exists().where(profile_specialty.c.profile_id == user_id)
    return (
        sa.select(Event, has_interests.label("has_interests"))
        .join(Rsvp, Rsvp.event_id == Event.id)
        .where(
            Rsvp.user_id == user_id,
            Rsvp.state == RsvpState.GOING,
            Event.ends_at > sa.bindparam("now"),
            Event.status == EventStatus.SCHEDULED,
        )
        .order_by(Event.starts_at, Event.id)
        .limit(NEXT_EVENTS)
    )
