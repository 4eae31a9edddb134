"""What the event pages show, loaded in a bounded number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, lazyload

from eventsapp.accounts.models import User
from eventsapp.errors import NotFound
from eventsapp.events.models import Event, EventKind, event_co_organizer, event_specialty
from eventsapp.profiles.models import Profile, Specialty
from eventsapp.rsvps import rules
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.services import waitlist_position
from eventsapp.sqlids import in_ids
from eventsapp.text import clean, sort_key


class Scope:
    UPCOMING = "upcoming"
    MINE = "mine"
    PAST = "past"
    LABELS = {UPCOMING: "Upcoming", MINE: "My events", PAST: "Past events"}


@dataclass
class Filters:
    scope: str = Scope.UPCOMING
    kind: str | None = None
    specialty_id: int | None = None
    department_id: int | None = None
    start: date | None = None
    end: date | None = None
    q: str = ""
    page: int = 1


@dataclass(frozen=True)
class Row:
    event: Event
    going: int
    viewer_state: str | None
    matches_going: int = 0   # the viewer's suggested colleagues going


@dataclass(frozen=True)
class Page:
    items: list[Row]
    page: int
    pages: int
    total: int


def viewer_zone(viewer) -> str:
    profile = getattr(viewer, "profile", None)
    return (profile.timezone if profile and profile.timezone else None) or current_app.config["APP_TIMEZONE"]


def answer_counts(session: Session, viewer, event_ids: list[int],
                  now: datetime) -> dict[int, tuple[int, str | None, int]]:
    """For each event: how many are going, the viewer's own answer, and how
    many of those going are colleagues suggested to the viewer; one query."""
    if not event_ids:
        return {}
    from eventsapp.introductions.models import DECLINE_COOLDOWN
    from eventsapp.matching.eligibility import suggestible_stages
    member = getattr(viewer, "is_authenticated", False)
    stmt = _answer_counts_query(member, suggestible_stages(viewer), session.get_bind().dialect.name)
    params = {"event_ids": event_ids}
    if member:
        params |= {"viewer_id": viewer.id, "declined_since": now - DECLINE_COOLDOWN, "now": now}
    return {event_id: (int(n or 0), state, int(m or 0)) for event_id, n, state, m in session.execute(stmt, params)}


@lru_cache(maxsize=32)
def _answer_counts_query(member: bool, stages: tuple[str, ...] | None, dialect: str):
    """answer_counts' statement for a kind of viewer (and database), built
    once (every list page runs it): parameters event_ids and, for members,
    viewer_id, declined_since and now."""
    from eventsapp.matching.eligibility import attendance_shown, good_match_profile
    viewer_id = sa.bindparam("viewer_id")
    # (Not "user_id IS NULL" for visitors: that would match answers of deleted accounts.)
    mine = sa.func.max(sa.case((Rsvp.user_id == viewer_id, Rsvp.state))) if member else sa.null()
    going = Rsvp.state == RsvpState.GOING
    stmt = sa.select(Rsvp.event_id, sa.func.sum(sa.case((going, 1), else_=0)), mine)
    if stages is None:
        stmt = stmt.add_columns(sa.literal(0))
    else:
        # For each answer "going", that colleague's profile, looked up by key,
        # if they are one suggested to the viewer, and one whose name the
        # viewer may see there: those the event's Who to meet here shows. (A
        # scalar subquery with a limit: as an EXISTS test, or a join,
        # PostgreSQL may list every good match in the hospital first and hash them.)
        *good, room = good_match_profile(viewer_id, stages, sa.bindparam("declined_since"))
        shown = attendance_shown(Rsvp.event_id, viewer_id)
        one = (sa.select(sa.literal(1)).select_from(Profile)
               .where(Profile.user_id == Rsvp.user_id, *good, shown, room).limit(1).correlate(Rsvp).scalar_subquery())
        stmt = stmt.add_columns(sa.func.sum(sa.case((going, sa.case((one.is_not(None), 1), else_=0)), else_=0)))
    return stmt.where(in_ids(Rsvp.event_id, "event_ids", dialect)).group_by(Rsvp.event_id)


def list_events(session: Session, viewer, filters: Filters, now: datetime, per_page: int) -> Page:
    mine = filters.scope == Scope.MINE and getattr(viewer, "is_authenticated", False)
    kind = filters.kind if filters.kind in EventKind.ALL else None
    zone = ZoneInfo(viewer_zone(viewer))
    needle = clean(filters.q).lower()
    count, page_query = _list_queries(
        past=filters.scope == Scope.PAST, mine=mine, kind=kind is not None,
        specialty=bool(filters.specialty_id), department=bool(filters.department_id),
        start=filters.start is not None, end=filters.end is not None, search=bool(needle))
    params = {"now": now, "viewer_id": viewer.id if mine else None, "kind": kind,
              "specialty_id": filters.specialty_id, "department_id": filters.department_id,
              "start": datetime.combine(filters.start, time(0), tzinfo=zone) if filters.start else None,
              "end": datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=zone) if filters.end else None,
              "needle": needle.replace("/", "//").replace("%", "/%").replace("_", "/_")}
    total, first_start = session.execute(count, params).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    # The earliest start among the events just counted: the page reads them
    # in date order from there, rather than from the first event ever held
    # (exact whatever an event's length). (Past events: from the latest back.)
    params |= {"first_start": first_start or now, "limit": per_page, "offset": (page - 1) * per_page}
    events = list(session.scalars(page_query, params)) if total else []
    ids = [e.id for e in events]
    answers = answer_counts(session, viewer, ids, now)
    return Page([Row(e, *answers.get(e.id, (0, None, 0))) for e in events], page, pages, total)


@lru_cache(maxsize=256)   # (3 scopes x 2**6 filters at most)
def _list_queries(*, past: bool, mine: bool, kind: bool, specialty: bool, department: bool, start: bool,
                  end: bool, search: bool):
    """The list's count and page statements for one combination of filters,
    built once per process. Parameters: now, viewer_id, kind, specialty_id,
    department_id, start, end, needle (escaped with /), and for the page
    first_start, limit and offset."""
    stmt = sa.select(Event)
    if past:
        stmt = stmt.where(Event.ends_at < sa.bindparam("now")).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_at >= sa.bindparam("now")).order_by(Event.starts_at, Event.id)
    if mine:
        stmt = stmt.where(sa.exists().where(
            Rsvp.event_id == Event.id, Rsvp.user_id == sa.bindparam("viewer_id"),
            Rsvp.state.in_((RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE))))
    if kind:
        stmt = stmt.where(Event.kind == sa.bindparam("kind"))
    if specialty:
        stmt = stmt.where(sa.exists().where(event_specialty.c.event_id == Event.id,
                                            event_specialty.c.specialty_id == sa.bindparam("specialty_id")))
    if department:
        stmt = stmt.where(Event.department_id == sa.bindparam("department_id"))
    if start:
        stmt = stmt.where(Event.ends_at >= sa.bindparam("start", type_=Event.ends_at.type))
    if end:
        stmt = stmt.where(Event.starts_at < sa.bindparam("end", type_=Event.starts_at.type))
    if search:
        needle = sa.bindparam("needle", type_=sa.String)
        stmt = stmt.where(sa.or_(*(sa.func.lower(column).contains(needle, escape="/")
                                   for column in (Event.title, Event.description, Event.location))))
    # (Aggregated in place: a subquery of the whole entity costs a proxy per column to build.)
    count = stmt.with_only_columns(sa.func.count(), sa.func.min(Event.starts_at)).order_by(None)
    if not past:
        stmt = stmt.where(Event.starts_at >= sa.bindparam("first_start", type_=Event.starts_at.type))
    # (The rows show no organizer: not joined in.)
    page = stmt.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")).options(lazyload(Event.organizer))
    return count, page


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
    row = session.execute(_event_query(member), {"event_id": event_id, "viewer_id": viewer.id if member else 0}
                          ).unique().first()
    if row is None:
        raise NotFound("No such event.")
    event, mine = row[0], row[1]
    counts = {state: n for state, n in zip(RsvpState.ALL, row[2:]) if n}
    can_manage = event.is_organized_by(viewer)
    view = EventView(event, counts, mine, waitlist_position(session, mine) if mine else None, can_manage,
                     rules.closing_reason(cancelled=event.is_cancelled, starts_at=event.starts_at,
                                          deadline=event.rsvp_deadline, now=now, ends_at=event.ends_at))
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
    counted = [sa.select(sa.func.count()).where(Rsvp.event_id == Event.id, Rsvp.state == state)
               .correlate(Event).scalar_subquery() for state in RsvpState.ALL]
    # The lists are joined link table first: a nested join would have
    # SQLite build every event's links to find this one's.
    co_organizer = aliased(User)
    viewers = sa.and_(Rsvp.event_id == Event.id, Rsvp.user_id == sa.bindparam("viewer_id")) if member else sa.false()
    return (sa.select(Event, Rsvp, *counted)
            .outerjoin(Rsvp, viewers)
            .outerjoin(event_specialty, event_specialty.c.event_id == Event.id)
            .outerjoin(Specialty, Specialty.id == event_specialty.c.specialty_id)
            .outerjoin(event_co_organizer, event_co_organizer.c.event_id == Event.id)
            .outerjoin(co_organizer, co_organizer.id == event_co_organizer.c.user_id)
            .where(Event.id == sa.bindparam("event_id")).order_by(Specialty.name, co_organizer.name)
            # (The page names the organizers and links to them: their
            # profiles are not joined in, four joins fewer to plan.)
            .options(contains_eager(Event.specialties.of_type(Specialty)),
                     contains_eager(Event.co_organizers.of_type(co_organizer)).lazyload(co_organizer.profile),
                     joinedload(Event.organizer).lazyload(User.profile), joinedload(Event.series)))


@lru_cache(maxsize=1)
def _attendees_query():
    """Who is going to an event (parameter event_id), built once."""
    return (sa.select(User.id, User.name, Profile.career_stage, Profile.pgy_year, Profile.attendance_visibility,
                      Rsvp.approachable)
            .join(Rsvp, Rsvp.user_id == User.id).join(Profile, Profile.user_id == User.id)
            .where(Rsvp.event_id == sa.bindparam("event_id"), Rsvp.state == RsvpState.GOING).order_by(User.name_key, User.id))


def _fill_attendees(session: Session, view: EventView, viewer) -> None:
    viewer_going = view.viewer_rsvp is not None and view.viewer_rsvp.state == RsvpState.GOING
    rows = session.execute(_attendees_query(), {"event_id": view.event.id})
    from eventsapp.profiles.career import stage_label
    hidden = view.counts.get(RsvpState.GOING, 0)
    for user_id, name, stage, pgy, visibility, approachable in rows:
        if rules.may_see_name(visibility, viewer_is_self=user_id == viewer.id,
                              viewer_is_organizer=view.can_manage, viewer_is_member=True,
                              viewer_is_going=viewer_going):
            view.attendees.append(Attendee(user_id, name, stage_label(stage, pgy), approachable))
            hidden -= 1
    view.attendees.sort(key=lambda a: sort_key(a.name))
    view.hidden_attendees = hidden
