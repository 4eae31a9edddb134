"""Unmet demand: per specialty and per kind of help, the interns looking
for it against the colleagues offering it with room, the requests declined
or expired this year, and where to recruit mentors. Three aggregate
queries whatever the numbers (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.matching.eligibility import taken_places_by_senior
from eventsapp.profiles import career, help_kinds
from eventsapp.profiles.models import Profile, Specialty, profile_specialty
from eventsapp.program.coordinators import Scope
from eventsapp.program.funnel import interns
from eventsapp.program.privacy import Count, shown


@dataclass(frozen=True)
class Row:
    name: str
    interns: int  # of the viewer's scope: always theirs to see
    with_room: Count | None  # hospital-wide; None: nobody offers this kind
    declined: int | None = None  # None: counted per specialty only
    expired: int | None = None


@dataclass(frozen=True)
class Demand:
    specialties: list[Row]
    kinds: list[Row]
    recruit: list[Row]  # where interns outnumber colleagues with room, most first


def _sum(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _is_intern(scope: Scope):
    """A condition on a Profile row: an intern of the scope (as funnel.interns)."""
    condition = Profile.career_stage == career.INTERN
    if not scope.whole_hospital:
        condition = sa.and_(condition, Profile.department_id.in_(sorted(scope.department_ids)))
    return condition


def _offers(taken) -> sa.ColumnElement:
    """A condition on a Profile row: a senior who would be suggested to an
    intern for what they show (opted in, interests shown), with room under
    their limit by the rule suggestions use (`taken` as _with_taken joins it)."""
    return sa.and_(
        Profile.open_to_interns,
        Profile.show_interests,
        Profile.career_stage.in_(career.SENIOR_STAGES),
        taken < Profile.intro_capacity,
    )


def _with_taken(stmt, now: datetime):
    """The statement over Profile rows, each with its places taken joined
    from one grouped count (faster than a count per row at any size)."""
    taken = taken_places_by_senior(now)
    return stmt.outerjoin(taken, taken.c.senior_id == Profile.user_id), sa.func.coalesce(taken.c.taken, 0)


def _by_specialty(session: Session, scope: Scope, now: datetime) -> dict[str, tuple[int, int]]:
    """Per specialty: (interns interested, colleagues with room). Each
    profile is judged once, then its marks are added up per specialty."""
    stmt, taken = _with_taken(sa.select(Profile.user_id.label("id")).select_from(Profile), now)
    intern, senior = _is_intern(scope), _offers(taken)
    judged = stmt.add_columns(
        sa.case((intern, 1), else_=0).label("asks"), sa.case((senior, 1), else_=0).label("offers")
    ).where(sa.or_(intern, Profile.career_stage.in_(career.SENIOR_STAGES)))
    judged = judged.subquery("judged")
    per = (
        sa.select(
            profile_specialty.c.specialty_id,
            sa.func.sum(judged.c.asks).label("asks"),
            sa.func.sum(judged.c.offers).label("offers"),
        )
        .join(judged, judged.c.id == profile_specialty.c.profile_id)
        .group_by(profile_specialty.c.specialty_id)
        .subquery("per")
    )
    rows = session.execute(
        sa.select(Specialty.name, per.c.asks, per.c.offers).join(per, per.c.specialty_id == Specialty.id)
    )
    return {name: (int(asked), int(offered)) for name, asked, offered in rows}


def _turned_down(session: Session, scope: Scope, start: datetime, now: datetime) -> dict[str, tuple[int, int]]:
    """Per specialty of the senior asked: the scope's interns' requests
    declined, and expired, since `start`."""
    declined = sa.and_(IntroRequest.status == RequestStatus.DECLINED, IntroRequest.responded_at >= start)
    expired = sa.and_(
        sa.or_(
            IntroRequest.status == RequestStatus.EXPIRED,
            sa.and_(IntroRequest.status == RequestStatus.PENDING, IntroRequest.expires_at <= now),
        ),
        IntroRequest.expires_at >= start,
    )
    rows = session.execute(
        sa.select(Specialty.name, _sum(declined), _sum(expired))
        .select_from(IntroRequest)
        .join(profile_specialty, profile_specialty.c.profile_id == IntroRequest.senior_id)
        .join(Specialty, Specialty.id == profile_specialty.c.specialty_id)
        .where(IntroRequest.requester_id.in_(interns(scope)), sa.or_(declined, expired))
        .group_by(Specialty.id, Specialty.name)
    ).all()
    return {name: (d, e) for name, d, e in rows}


def _by_kind(session: Session, scope: Scope, now: datetime) -> list[tuple[str, int, int]]:
    """Per kind of help: (kind, interns looking for it, colleagues offering it with room)."""
    stmt, taken = _with_taken(sa.select(Profile.user_id).select_from(Profile), now)
    intern, senior = _is_intern(scope), _offers(taken)
    columns = []
    for kind in help_kinds.KINDS:
        bit = help_kinds.BITS[kind]
        columns += [_sum(sa.and_(intern, Profile.help_asked.op("&")(bit) != 0))]
        columns += [_sum(sa.and_(senior, Profile.help_offered.op("&")(bit) != 0))]
    row = session.execute(
        stmt.with_only_columns(*columns, maintain_column_froms=False).where(
            sa.or_(intern, Profile.career_stage.in_(career.SENIOR_STAGES))
        )
    ).one()
    return [(kind, row[2 * i], row[2 * i + 1]) for i, kind in enumerate(help_kinds.KINDS)]


def unmet_demand(session: Session, scope: Scope, *, start: datetime, now: datetime) -> Demand:
    """The page's three tables. Colleagues with room are counted over the
    whole hospital: a coordinator limited to departments sees them as
    privacy.shown allows."""
    exact = scope.whole_hospital
    specialty = _by_specialty(session, scope, now)
    turned = _turned_down(session, scope, start, now)
    specialties = []
    for name in sorted(set(specialty) | set(turned), key=str.casefold):
        asked, offered = specialty.get(name, (0, 0))
        declined, expired = turned.get(name, (0, 0))
        if asked or declined or expired:
            specialties.append(Row(name, asked, shown(offered, exact=exact), declined, expired))
    kinds = [
        Row(help_kinds.ASKED[kind], asked, shown(offered, exact=exact) if kind in help_kinds.OFFERED else None)
        for kind, asked, offered in _by_kind(session, scope, now)
    ]
    return Demand(specialties, kinds, where_to_recruit(specialties))


def where_to_recruit(specialties: list[Row]) -> list[Row]:
    """The specialties whose interested interns outnumber the colleagues
    with room, the widest gap first. A hidden count ranks as its largest
    value, so that the list says no more than the table."""
    short = [r for r in specialties if r.interns > r.with_room.at_most]
    return sorted(short, key=lambda r: (r.with_room.at_most - r.interns, -r.interns, r.name.casefold()))


DEMAND_HEADER = [
    "Specialty or kind of help",
    "Interns looking for it",
    "Colleagues offering it with room",
    "Declined since the year began",
    "Expired since the year began",
    "Where to recruit (rank)",
]


def demand_rows(demand: Demand) -> list[list]:
    """The page's tables as CSV rows: the specialties, then the kinds of help."""
    rank = {row.name: i for i, row in enumerate(demand.recruit, start=1)}
    return [
        [row.name, row.interns, _cell(row.with_room), _cell(row.declined), _cell(row.expired), rank.get(row.name, "")]
        for row in demand.specialties
    ] + [[row.name, row.interns, _cell(row.with_room), "", "", ""] for row in demand.kinds]


def _cell(value) -> str:
    return "" if value is None else str(value)
