"""Storing the expiry of requests nobody answered in time. Pages read such
a request as expired from the moment its date passes (waiting_at); this
stores it, once, and announces it (requests_expired) for the requesters to
be told."""

from __future__ import annotations

from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.introductions import signals
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.timeutil import utcnow


@cache
def _any_overdue():
    """Whether a pending request is past its date (parameter now); built
    once, as every request that touches introductions asks."""
    return sa.select(
        sa.exists().where(IntroRequest.status == RequestStatus.PENDING, IntroRequest.expires_at <= sa.bindparam("now"))
    )


def expire_stale(
    session: Session, now: datetime | None = None, *, links: IntroductionLinks | None = None, limit: int | None = None
) -> int:
    """Store as expired the pending requests nobody answered in time (the
    `limit` first past their date, or all), announce them, and commit.
    Done by the requests that change introductions, the worker's
    expire-introductions job (in batches) and the command of that name."""
    now = now or utcnow()
    if not session.scalar(_any_overdue(), {"now": now}):
        return 0  # the usual case: a read, no write lock taken
    overdue = sa.and_(IntroRequest.status == RequestStatus.PENDING, IntroRequest.expires_at <= now)
    if limit is not None:
        first = sa.select(IntroRequest.id).where(overdue).order_by(IntroRequest.expires_at, IntroRequest.id)
        overdue = sa.and_(overdue, IntroRequest.id.in_(first.limit(limit).scalar_subquery()))
    # A conditional UPDATE claims the rows: of two requests doing this at
    # once, each request is expired (and its requester told) by exactly one.
    claimed = list(
        session.scalars(
            sa.update(IntroRequest)
            .where(overdue)
            .values(status=RequestStatus.EXPIRED, responded_at=now)
            .returning(IntroRequest.id)
        )
    )
    stale = (
        list(
            session.scalars(
                sa.select(IntroRequest)
                .where(IntroRequest.id.in_(claimed))
                .order_by(IntroRequest.id)
                .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
            )
        )
        if claimed
        else []
    )
    if stale:
        signals.requests_expired.send(tuple(stale), session=session, links=links, now=now)
    session.commit()
    return len(stale)
