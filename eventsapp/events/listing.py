"""The event list: which events a page of it shows, in two queries. What
the rows say about answers (how many go, the viewer's own, colleagues to
meet) comes from the domains above (rsvps, matching): the view combines
them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, lazyload

from eventsapp.events.models import Event, EventKind, event_specialty
from eventsapp.text import clean


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
    going: int = 0
    viewer_state: str | None = None
    matches_going: int = 0  # the viewer's suggested colleagues going


@dataclass(frozen=True)
class Page:
    items: list[Row]
    page: int
    pages: int
    total: int


def viewer_zone(viewer) -> str:
    profile = getattr(viewer, "profile", None)
    return (profile.timezone if profile and profile.timezone else None) or current_app.config["APP_TIMEZONE"]


def list_events(
    session: Session,
    viewer,
    filters: Filters,
    now: datetime,
    per_page: int,
    *,
    answered: sa.ColumnElement[bool] | None = None,
) -> Page:
    """A page of the list, its rows holding only the events. My events
    needs `answered`: the condition on an Event row that the viewer
    answered it (rsvps keeps it, parameter viewer_id)."""
    mine = filters.scope == Scope.MINE and getattr(viewer, "is_authenticated", False)
    if mine and answered is None:
        raise ValueError("My events needs the condition of the events the viewer answered.")
    kind = filters.kind if filters.kind in EventKind.ALL else None
    zone = ZoneInfo(viewer_zone(viewer))
    needle = clean(filters.q).lower()
    count, page_query = _list_queries(
        past=filters.scope == Scope.PAST,
        mine=answered if mine else None,
        kind=kind is not None,
        specialty=bool(filters.specialty_id),
        department=bool(filters.department_id),
        start=filters.start is not None,
        end=filters.end is not None,
        search=bool(needle),
    )
    params = {
        "now": now,
        "viewer_id": viewer.id if mine else None,
        "kind": kind,
        "specialty_id": filters.specialty_id,
        "department_id": filters.department_id,
        "start": datetime.combine(filters.start, time(0), tzinfo=zone) if filters.start else None,
        "end": datetime.combine(filters.end + timedelta(days=1), time(0), tzinfo=zone) if filters.end else None,
        "needle": needle.replace("/", "//").replace("%", "/%").replace("_", "/_"),
    }
    total, first_start = session.execute(count, params).one()
    pages = max(1, -(-total // per_page))
    page = min(max(1, filters.page), pages)
    # The earliest start among the events just counted: the page reads them
    # in date order from there, rather than from the first event ever held
    # (exact whatever an event's length). (Past events: from the latest back.)
    params |= {"first_start": first_start or now, "limit": per_page, "offset": (page - 1) * per_page}
    events = list(session.scalars(page_query, params)) if total else []
    return Page([Row(e) for e in events], page, pages, total)


@lru_cache(maxsize=256)  # (3 scopes x 2**6 filters at most)
def _list_queries(
    *,
    past: bool,
    mine: sa.ColumnElement[bool] | None,
    kind: bool,
    specialty: bool,
    department: bool,
    start: bool,
    end: bool,
    search: bool,
):
    """The list's count and page statements for one combination of filters,
    built once per process (`mine`: the condition of My events, one object
    for the process). Parameters: now, viewer_id, kind, specialty_id,
    department_id, start, end, needle (escaped with /), and for the page
    first_start, limit and offset."""
    stmt = sa.select(Event)
    if past:
        stmt = stmt.where(Event.ends_at < sa.bindparam("now")).order_by(Event.starts_at.desc(), Event.id.desc())
    else:
        stmt = stmt.where(Event.ends_at >= sa.bindparam("now")).order_by(Event.starts_at, Event.id)
    if mine is not None:
        stmt = stmt.where(mine)
    if kind:
        stmt = stmt.where(Event.kind == sa.bindparam("kind"))
    if specialty:
        stmt = stmt.where(
            sa.exists().where(
                event_specialty.c.event_id == Event.id, event_specialty.c.specialty_id == sa.bindparam("specialty_id")
            )
        )
    if department:
        stmt = stmt.where(Event.department_id == sa.bindparam("department_id"))
    if start:
        stmt = stmt.where(Event.ends_at >= sa.bindparam("start", type_=Event.ends_at.type))
    if end:
        stmt = stmt.where(Event.starts_at < sa.bindparam("end", type_=Event.starts_at.type))
    if search:
        needle = sa.bindparam("needle", type_=sa.String)
        stmt = stmt.where(
            sa.or_(
                *(
                    sa.func.lower(column).contains(needle, escape="/")
                    for column in (Event.title, Event.description, Event.location)
                )
            )
        )
    # (Aggregated in place: a subquery of the whole entity costs a proxy per column to build.)
    count = stmt.with_only_columns(sa.func.count(), sa.func.min(Event.starts_at)).order_by(None)
    if not past:
        stmt = stmt.where(Event.starts_at >= sa.bindparam("first_start", type_=Event.starts_at.type))
    # (The rows show no organizer: not joined in.)
    page = stmt.limit(sa.bindparam("limit")).offset(sa.bindparam("offset")).options(lazyload(Event.organizer))
    return count, page
