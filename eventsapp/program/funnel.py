"""The year's funnel and the weekly share of interns with a mentor, for a
coordinator's departments, each in a fixed number of queries
(docs/program.md says what each number means)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships.models import Mentorship, MentorshipStatus
from eventsapp.profiles import career
from eventsapp.profiles.models import Profile, profile_specialty
from eventsapp.program.coordinators import Scope
from eventsapp.program.year import Week, week_ends, weeks_of
from eventsapp.timeutil import UTCDateTime

#: How long a mentorship must have lasted, still active, for the last step.
ACTIVE_AFTER = timedelta(days=90)

STEPS = (
    ("registered", "Interns registered"),
    ("interests", "Profile with interests"),
    ("asked", "Asked someone"),
    ("accepted", "Accepted"),
    ("met", "Met"),
    ("active", "Active mentorship at 90 days"),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    count: int
    percent: int | None  # of the interns registered
    of_previous: int | None  # of the step before


def interns(scope: Scope):
    """The cohort: accounts whose career stage is intern, in the scope."""
    stmt = sa.select(User.id).join(Profile, Profile.user_id == User.id).where(Profile.career_stage == career.INTERN)
    if not scope.whole_hospital:
        stmt = stmt.where(Profile.department_id.in_(sorted(scope.department_ids)))
    return stmt


def _requests_since(start: datetime, *statuses: str):
    stmt = sa.select(IntroRequest.id).where(IntroRequest.requester_id == User.id, IntroRequest.created_at >= start)
    return stmt.where(IntroRequest.status.in_(statuses)) if statuses else stmt


def _mentorships_since(start: datetime):
    return (
        sa.select(Mentorship.id)
        .join(IntroRequest, IntroRequest.id == Mentorship.intro_request_id)
        .where(IntroRequest.requester_id == User.id, IntroRequest.created_at >= start)
    )


def _count(condition) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def funnel(session: Session, scope: Scope, *, start: datetime, now: datetime) -> list[Step]:
    """The six steps of the year begun at `start`, in one query."""
    conditions = (
        sa.true(),
        sa.exists(sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.profile_id == User.id)),
        sa.exists(_requests_since(start)),
        sa.exists(_requests_since(start, RequestStatus.ACCEPTED, RequestStatus.ENDED)),
        sa.exists(_mentorships_since(start)),
        sa.exists(
            _mentorships_since(start).where(
                Mentorship.status == MentorshipStatus.ACTIVE, Mentorship.started_at <= now - ACTIVE_AFTER
            )
        ),
    )
    cohort = interns(scope).subquery()
    counts = session.execute(
        sa.select(*(_count(c) for c in conditions)).select_from(User).where(User.id.in_(sa.select(cohort.c.id)))
    ).one()
    steps, first, previous = [], counts[0], None
    for (key, label), count in zip(STEPS, counts, strict=True):
        steps.append(Step(key, label, count, _percent(count, first), _percent(count, previous)))
        previous = count
    return steps


def _percent(part: int, whole: int | None) -> int | None:
    return round(100 * part / whole) if whole else None


def _week_ends(moments: list[datetime]):
    """The moments counted, one row each (n, ends): a list of SELECTs joined
    by UNION ALL, since SQLite names no columns of a VALUES list."""
    rows = [
        sa.select(sa.literal(n, sa.Integer).label("n"), sa.literal(moment, UTCDateTime).label("ends"))
        for n, moment in enumerate(moments, 1)
    ]
    return (sa.union_all(*rows) if len(rows) > 1 else rows[0]).cte("week_ends")


def _registered(cohort, week):
    """Per week (n, registered): the cohort registered by its end, as a
    running count over registrations and week ends in one order (a
    registration at the very moment a week ends counts, as counts_on says),
    rather than every registration compared with every week's end."""
    moments = sa.union_all(
        sa.select(cohort.c.joined.label("at"), sa.literal(0).label("kind"), sa.null().label("n")),
        sa.select(week.c.ends.label("at"), sa.literal(1).label("kind"), week.c.n.label("n")),
    ).subquery("moments")
    running = sa.func.sum(sa.case((moments.c.kind == 0, 1), else_=0)).over(
        order_by=(moments.c.at, moments.c.kind), rows=(None, 0)
    )
    counted = sa.select(moments.c.kind, moments.c.n, running.label("registered")).subquery("counted")
    return sa.select(counted.c.n, counted.c.registered).where(counted.c.kind == 1).subquery("registered")


def weeks(
    session: Session, scope: Scope, *, start: datetime, now: datetime, target_at: datetime, percent: int
) -> list[Week]:
    """The share of the cohort with a mentorship under way at the end of
    each week since `start`: one query, counted in the database, a row per
    week (year.counts_on and year.under_way say who counts)."""
    week = _week_ends(week_ends(start, now))
    # Read once, then counted per week: the cohort's registrations, and the
    # year's mentorships of the cohort with their intern's registration.
    cohort = interns(scope).add_columns(User.created_at.label("joined")).cte("cohort")
    spells = (
        sa.select(Mentorship.intern_id, cohort.c.joined, Mentorship.started_at, Mentorship.closed_at)
        .join(cohort, cohort.c.id == Mentorship.intern_id)
        .where(Mentorship.started_at <= now)
        .cte("spells")
        .prefix_with("MATERIALIZED")  # a few rows, read once per week rather than joined afresh
    )
    registered = _registered(cohort, week)
    mentored = (
        sa.select(sa.func.count(sa.distinct(spells.c.intern_id)))
        .where(
            spells.c.joined <= week.c.ends,  # counts_on
            spells.c.started_at <= week.c.ends,  # under_way
            sa.or_(spells.c.closed_at.is_(None), spells.c.closed_at > week.c.ends),
        )
        .correlate(week)
        .scalar_subquery()
    )
    counts = session.execute(
        sa.select(registered.c.registered, mentored)
        .select_from(week)
        .join(registered, registered.c.n == week.c.n)
        .order_by(week.c.n)
    ).all()
    return weeks_of([(a, b) for a, b in counts], start=start, now=now, target_at=target_at, percent=percent)
