"""The event list's counts: for each event, how many are going, the
viewer's own answer, and how many of those going are colleagues suggested
to the viewer (as each event's Who to meet here counts them), in one
query."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.listing import Page, Row
from eventsapp.introductions.models import DECLINE_COOLDOWN
from eventsapp.matching.eligibility import attendance_shown, good_match_profile, suggestible_stages
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.sqlids import in_ids


def with_answer_counts(session: Session, viewer, page: Page, now: datetime) -> Page:
    """The page of the event list, each row with its counts."""
    counts = answer_counts(session, viewer, [row.event.id for row in page.items], now)
    return dataclasses.replace(
        page, items=[Row(row.event, *counts.get(row.event.id, (0, None, 0))) for row in page.items]
    )


def answer_counts(
    session: Session, viewer, event_ids: list[int], now: datetime
) -> dict[int, tuple[int, str | None, int]]:
    """For each event: how many are going, the viewer's own answer, and how
    many of those going are colleagues suggested to the viewer; one query."""
    if not event_ids:
        return {}
    member = getattr(viewer, "is_authenticated", False)
    stmt = _answer_counts_query(member, suggestible_stages(viewer), session.get_bind().dialect.name)
    params = {"event_ids": event_ids}
    if member:
        params |= {"viewer_id": viewer.id, "declined_since": now - DECLINE_COOLDOWN, "now": now}
    return {
        row.event_id: (int(row.going or 0), row.mine, int(row.matches or 0)) for row in session.execute(stmt, params)
    }


@lru_cache(maxsize=32)
def _answer_counts_query(member: bool, stages: tuple[str, ...] | None, dialect: str):
    """answer_counts' statement for a kind of viewer (and database), built
    once (every list page runs it): parameters event_ids and, for members,
    viewer_id, declined_since and now."""
    viewer_id = sa.bindparam("viewer_id")
    # (Not "user_id IS NULL" for visitors: that would match answers of deleted accounts.)
    mine = sa.func.max(sa.case((Rsvp.user_id == viewer_id, Rsvp.state))) if member else sa.null()
    going = Rsvp.state == RsvpState.GOING
    stmt = sa.select(Rsvp.event_id, sa.func.sum(sa.case((going, 1), else_=0)).label("going"), mine.label("mine"))
    if stages is None:
        stmt = stmt.add_columns(sa.literal(0).label("matches"))
    else:
        # For each answer "going", that colleague's profile, looked up by key,
        # if they are one suggested to the viewer, and one whose name the
        # viewer may see there: those the event's Who to meet here shows. (A
        # scalar subquery with a limit: as an EXISTS test, or a join,
        # PostgreSQL may list every good match in the hospital first and hash them.)
        *good, room = good_match_profile(viewer_id, stages, sa.bindparam("declined_since"))
        shown = attendance_shown(Rsvp.event_id, viewer_id)
        one = (
            sa.select(sa.literal(1))
            .select_from(Profile)
            .where(Profile.user_id == Rsvp.user_id, *good, shown, room)
            .limit(1)
            .correlate(Rsvp)
            .scalar_subquery()
        )
        stmt = stmt.add_columns(
            sa.func.sum(sa.case((going, sa.case((one.is_not(None), 1), else_=0)), else_=0)).label("matches")
        )
    return stmt.where(in_ids(Rsvp.event_id, "event_ids", dialect)).group_by(Rsvp.event_id)
