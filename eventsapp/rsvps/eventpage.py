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
from eventsapp.events.models import Event, KeptAttendance, event_co_organizer, event_specialty
from eventsapp.profiles.career import stage_label
from eventsapp.profiles.models import AttendanceVisibility, Profile, Specialty
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


#: Names of those going listed on the event page at first: a popular
#: event's hundreds are one click away ("Show all"), and the attendee sheet
#: lists them for its organizers.
NAMES_LISTED = 50


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
    hidden_attendees: int = 0  # going, with names the viewer may not see
    unlisted_attendees: int = 0  # names the viewer may see, past those listed
    answers_removed: bool = False  # after the retention period: counts kept, names gone


def event_view(session: Session, viewer, event_id: int, now: datetime, *, every_name: bool = False) -> EventView:
    """The event page for this viewer; the first NAMES_LISTED names of those
    going, or `every_name`."""
    member = getattr(viewer, "is_authenticated", False)
    row = (
        session.execute(_event_query(member), {"event_id": event_id, "viewer_id": viewer.id if member else 0})
        .unique()
        .first()
    )
    if row is None:
        raise NotFound("No such event.")
    event, mine = row[0], row[1]
    counts = {state: n for state, n in zip(RsvpState.ALL, row[2:-1], strict=True) if n}
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
    if row[-1]:  # the answers were removed: no name is hidden, none is left
        view.answers_removed = True
    elif member:
        _fill_attendees(session, view, viewer, every_name)
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
        # An event whose answers were removed after the retention period
        # kept their counts (docs/retention.md).
        + sa.func.coalesce(
            sa.select(getattr(KeptAttendance, state))
            .where(KeptAttendance.event_id == Event.id)
            .correlate(Event)
            .scalar_subquery(),
            0,
        )
        for state in RsvpState.ALL
    ]
    # The lists are joined link table first: a nested join would have
    # SQLite build every event's links to find this one's.
    co_organizer = aliased(User)
    viewers = sa.and_(Rsvp.event_id == Event.id, Rsvp.user_id == sa.bindparam("viewer_id")) if member else sa.false()
    return (
        sa.select(Event, Rsvp, *counted, sa.exists().where(KeptAttendance.event_id == Event.id).correlate(Event))
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


@lru_cache(maxsize=2)
def _attendees_query(dialect: str):
    """Who is going to an event whose names the viewer may see, the first
    of them by name, each row with how many there are; built once.
    Parameters event_id, viewer_id, visible and own (the settings whose
    names show, for others and for the viewer's own row) and limit."""
    # Sorted as sort_key sorts, code point by code point (PostgreSQL would
    # otherwise follow the database's collation).
    name_key = sa.collate(User.name_key, "C") if dialect == "postgresql" else User.name_key
    visibility = Profile.attendance_visibility
    return (
        sa.select(
            User.id,
            User.name,
            Profile.career_stage,
            Profile.pgy_year,
            Rsvp.approachable,
            sa.func.count().over().label("listed"),
        )
        .join(Rsvp, Rsvp.user_id == User.id)
        .join(Profile, Profile.user_id == User.id)
        .where(
            Rsvp.event_id == sa.bindparam("event_id"),
            Rsvp.state == RsvpState.GOING,
            sa.or_(
                visibility.in_(sa.bindparam("visible", expanding=True)),
                sa.and_(User.id == sa.bindparam("viewer_id"), visibility.in_(sa.bindparam("own", expanding=True))),
            ),
        )
        .order_by(name_key, User.id)
        .limit(sa.bindparam("limit"))
    )


def _fill_attendees(session: Session, view: EventView, viewer, every: bool) -> None:
    """Those going whose names the viewer may see, by name (the first
    NAMES_LISTED unless `every`); the others counted. Which settings show a
    name is rules.may_see_name's answer for each setting, asked once."""
    viewer_going = view.viewer_rsvp is not None and view.viewer_rsvp.state == RsvpState.GOING

    def shown(own: bool) -> list[str]:
        return [
            setting
            for setting in AttendanceVisibility.LABELS
            if rules.may_see_name(
                setting,
                viewer_is_self=own,
                viewer_is_organizer=view.can_manage,
                viewer_is_member=True,
                viewer_is_going=viewer_going,
            )
        ] or ["-"]  # (none)

    going = view.counts.get(RsvpState.GOING, 0)
    params = {"event_id": view.event.id, "viewer_id": viewer.id, "visible": shown(False), "own": shown(True)}
    params["limit"] = going if every else NAMES_LISTED
    rows = session.execute(_attendees_query(session.get_bind().dialect.name), params)
    listed, labels = 0, {}
    for user_id, name, stage, pgy, approachable, count in rows.columns(
        "id", "name", "career_stage", "pgy_year", "approachable", "listed"
    ):
        listed = count  # (the same on every row)
        label = labels.get((stage, pgy)) or labels.setdefault((stage, pgy), stage_label(stage, pgy))
        view.attendees.append(Attendee(user_id, name, label, approachable))
    view.attendees.sort(key=lambda a: sort_key(a.name))
    view.unlisted_attendees = listed - len(view.attendees)
    view.hidden_attendees = going - listed
