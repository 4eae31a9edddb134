"""What an event's page shows one viewer (the event with its lists, the
counts of answers, the viewer's own and who is going, in a bounded number
of queries), and the list's My events. Here, not in events: answers and
who may see them are this domain's."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from eventsapp.accounts.models import User
from eventsapp.errors import NotFound
from eventsapp.events.models import Event, event_co_organizer, event_specialty
from eventsapp.profiles.career import stage_label
from eventsapp.profiles.models import Profile, Specialty
from eventsapp.rsvps import rules
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.services import waitlist_position
from eventsapp.text import sort_key

#: My events (events.listing's `answered`): the condition on an Event row
#: that the viewer (parameter viewer_id) answered it. One object for the
#: process, as the list's statements are built once for it.
ANSWERED = sa.exists().where(
    Rsvp.event_id == Event.id,
    Rsvp.user_id == sa.bindparam("viewer_id"),
    Rsvp.state.in_((RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE)),
)


@dataclass(frozen=True)
class Attendee:
    user_id: int
    name: str
    stage: str
    approachable: bool = False


@dataclass
class EventView:
    """Everything the event page shows to one viewer."""

    event: Event
    counts: dict[str, int]
    viewer_rsvp: Rsvp | None
    waitlist_position: int | None
    can_manage: bool
    closing_reason: str | None
    attendees: list[Attendee] = field(default_factory=list)
    hidden_attendees: int = 0


def event_view(session: Session, viewer, event_id: int, now: datetime) -> EventView:
    member = getattr(viewer, "is_authenticated", False)
    row = (
        session.execute(_event_query(member), {"event_id": event_id, "viewer_id": viewer.id if member else 0})
        .unique()
        .first()
    )
    if row is None:
        raise NotFound("No such event.")
    event, mine = row[0], row[1]
    counts = {state: n for state, n in zip(RsvpState.ALL, row[2:], strict=True) if n}
    can_manage = event.is_organized_by(viewer)
    view = EventView(
        event,
        counts,
        mine,
        waitlist_position(session, mine) if mine else None,
        can_manage,
        rules.closing_reason(
            cancelled=event.is_cancelled,
            starts_at=event.starts_at,
            deadline=event.rsvp_deadline,
            now=now,
            ends_at=event.ends_at,
        ),
    )
    if member:
        _fill_attendees(session, view, viewer)
    else:
        view.hidden_attendees = counts.get(RsvpState.GOING, 0)
    return view


@lru_cache(maxsize=2)
def _event_query(member: bool):
    """One query, built once: the event with its lists, the viewer's own
    answer and the count of answers in each state (each an indexed count).
    Parameters event_id and viewer_id."""
    counted = [
        sa.select(sa.func.count())
        .where(Rsvp.event_id == Event.id, Rsvp.state == state)
        .correlate(Event)
        .scalar_subquery()
        for state in RsvpState.ALL
    ]
    # The lists are joined link table first: a nested join would have
    # SQLite build every event's links to find this one's.
    co_organizer = aliased(User)
    viewers = sa.and_(Rsvp.event_id == Event.id, Rsvp.user_id == sa.bindparam("viewer_id")) if member else sa.false()
    return (
        sa.select(Event, Rsvp, *counted)
        .outerjoin(Rsvp, viewers)
        .outerjoin(event_specialty, event_specialty.c.event_id == Event.id)
        .outerjoin(Specialty, Specialty.id == event_specialty.c.specialty_id)
        .outerjoin(event_co_organizer, event_co_organizer.c.event_id == Event.id)
        .outerjoin(co_organizer, co_organizer.id == event_co_organizer.c.user_id)
        .where(Event.id == sa.bindparam("event_id"))
        .order_by(Specialty.name, co_organizer.name)
        # (The page names the organizers and links to them: their
        # profiles are not joined in, four joins fewer to plan.)
        .options(
            contains_eager(Event.specialties.of_type(Specialty)),
            contains_eager(Event.co_organizers.of_type(co_organizer)).lazyload(co_organizer.profile),
            joinedload(Event.organizer).lazyload(User.profile),
            joinedload(Event.series),
        )
    )


@lru_cache(maxsize=1)
def _attendees_query():
    """Who is going to an event (parameter event_id), built once."""
    return (
        sa.select(
            User.id, User.name, Profile.career_stage, Profile.pgy_year, Profile.attendance_visibility, Rsvp.approachable
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .join(Profile, Profile.user_id == User.id)
        .where(Rsvp.event_id == sa.bindparam("event_id"), Rsvp.state == RsvpState.GOING)
        .order_by(User.name_key, User.id)
    )


def _fill_attendees(session: Session, view: EventView, viewer) -> None:
    """Those going whose names the viewer may see, by name; the others counted.
    (Hundreds of rows on a popular event: the viewer's id is read once, and
    whether a name shows, which depends on the row only through its setting
    and whether it is the viewer's own, is worked out once for each.)"""
    viewer_going = view.viewer_rsvp is not None and view.viewer_rsvp.state == RsvpState.GOING
    viewer_id = viewer.id
    rows = session.execute(_attendees_query(), {"event_id": view.event.id})
    hidden = view.counts.get(RsvpState.GOING, 0)
    shown, labels = {}, {}
    for user_id, name, stage, pgy, visibility, approachable in rows.columns(
        "id", "name", "career_stage", "pgy_year", "attendance_visibility", "approachable"
    ):
        key = (visibility, user_id == viewer_id)
        if key not in shown:
            shown[key] = rules.may_see_name(
                visibility,
                viewer_is_self=key[1],
                viewer_is_organizer=view.can_manage,
                viewer_is_member=True,
                viewer_is_going=viewer_going,
            )
        if shown[key]:
            label = labels.get((stage, pgy)) or labels.setdefault((stage, pgy), stage_label(stage, pgy))
            view.attendees.append(Attendee(user_id, name, label, approachable))
            hidden -= 1
    view.attendees.sort(key=lambda a: sort_key(a.name))
    view.hidden_attendees = hidden
