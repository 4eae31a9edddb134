"""Introduction requests and the connections they become."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.introductions import signals
from eventsapp.introductions.expiry import expire_stale
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import MESSAGE_MAX, IntroRequest, RequestStatus, waiting_at
from eventsapp.introductions.states import ask_state
from eventsapp.profiles.models import Profile
from eventsapp.text import clean
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

#: How long a request waits for an answer before it expires.
EXPIRES_AFTER = timedelta(days=14)


def active_connections(session: Session, senior_id: int) -> int:
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(IntroRequest)
        .where(IntroRequest.senior_id == senior_id, IntroRequest.status == RequestStatus.ACCEPTED)
    )


def request_introduction(
    session: Session,
    requester: User,
    senior_id: int,
    message: str,
    now: datetime | None = None,
    *,
    links: IntroductionLinks | None = None,
) -> IntroRequest:
    message = clean(message, multiline=True)
    if not message:
        raise DomainError("Say in a sentence or two why you'd like to meet.", field="message")
    if len(message) > MESSAGE_MAX:
        raise DomainError(f"Keep it under {MESSAGE_MAX} characters.", field="message")
    now = now or utcnow()
    expire_stale(session, now, links=links)  # an expired request no longer holds the pair's open slot
    begin_write(session)
    # Lock both profiles: the requester's waiting requests and the senior's
    # places are counted, then added to (by interns asking them at once, too).
    _lock_profile(session, requester.id, senior_id)
    senior = session.get(User, senior_id)
    if senior is None or senior.id == requester.id:
        raise NotFound("No such colleague.")
    state = ask_state(session, requester, senior, now)
    if not state.can_ask:
        raise DomainError(state.refusal(senior.name))
    request = IntroRequest(
        requester_id=requester.id,
        senior_id=senior.id,
        message=message,
        status=RequestStatus.PENDING,
        created_at=now,
        expires_at=now + EXPIRES_AFTER,
    )
    session.add(request)
    try:
        session.flush()
    except IntegrityError as exc:  # a double submit raced this one
        session.rollback()
        raise DomainError(f"You already asked to meet {senior.name}.") from exc
    signals.request_sent.send(request, session=session, links=links)
    session.commit()
    return request


def lock_people(session: Session, *user_ids: int) -> None:
    """Serialise what counts these people's requests (see _lock_profile)."""
    _lock_profile(session, *user_ids)


def _lock_profile(session: Session, *user_ids: int) -> None:
    """Serialise changes that count these people's requests (row locks on
    PostgreSQL, taken in one order so two never wait on each other; on
    SQLite, begin_write's BEGIN IMMEDIATE already does)."""
    session.execute(
        sa.select(Profile.user_id).where(Profile.user_id.in_(user_ids)).order_by(Profile.user_id).with_for_update()
    ).all()


def _request_for(session: Session, request_id: int) -> IntroRequest:
    request = session.scalar(
        sa.select(IntroRequest)
        .where(IntroRequest.id == request_id)
        .with_for_update()
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
    )
    if request is None:
        raise NotFound("No such request.")
    return request


def answer(
    session: Session,
    senior: User,
    request_id: int,
    accept: bool,
    now: datetime | None = None,
    *,
    links: IntroductionLinks | None = None,
) -> IntroRequest:
    """The senior accepts (both then see each other's email) or declines
    (the requester only hears 'not available right now')."""
    now = now or utcnow()
    expire_stale(session, now, links=links)
    begin_write(session)
    # Lock the senior's profile: their connections are counted, then added to.
    _lock_profile(session, senior.id)
    request = _request_for(session, request_id)
    if request.senior_id != senior.id:
        raise NotAllowed("This request is addressed to someone else.")
    if request.status_at(now) != RequestStatus.PENDING:
        raise DomainError("This request is no longer waiting for an answer.")
    if accept and active_connections(session, senior.id) >= senior.profile.intro_capacity:
        raise DomainError(
            f"You already have {senior.profile.intro_capacity} active introductions, your limit. "
            "End one, or raise your limit on your profile, to accept."
        )
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.responded_at = now
    announce = signals.request_accepted if accept else signals.request_declined
    announce.send(request, session=session, links=links)
    session.commit()
    return request


def withdraw(
    session: Session, requester: User, request_id: int, *, links: IntroductionLinks | None = None
) -> IntroRequest:
    now = utcnow()
    expire_stale(session, now, links=links)
    begin_write(session)
    request = _request_for(session, request_id)
    if request.requester_id != requester.id:
        raise NotAllowed("Only the person who asked can withdraw a request.")
    if request.status_at(now) != RequestStatus.PENDING:
        raise DomainError("This request is no longer waiting for an answer.")
    request.status, request.responded_at = RequestStatus.WITHDRAWN, now
    session.commit()
    return request


def end_connection(
    session: Session, user: User, request_id: int, *, links: IntroductionLinks | None = None
) -> IntroRequest:
    """Either side may end a connection; the other is told."""
    begin_write(session)
    request = _request_for(session, request_id)
    if user.id not in (request.requester_id, request.senior_id):
        raise NotAllowed("This connection is between two other people.")
    if request.status != RequestStatus.ACCEPTED:
        raise DomainError("This is not an active connection.")
    request.status, request.ended_at = RequestStatus.ENDED, utcnow()
    signals.connection_ended.send(request, session=session, links=links, by=user)
    session.commit()
    return request


def withdraw_requests_to(session: Session, senior: User, *, links: IntroductionLinks | None = None) -> int:
    """A senior stopped being open to meeting interns: their requests still
    waiting are withdrawn at once and the requesters told (in the same
    transaction). One past its date has expired already."""
    now = utcnow()
    pending = list(
        session.scalars(
            sa.select(IntroRequest)
            .where(IntroRequest.senior_id == senior.id, waiting_at(now))
            .options(selectinload(IntroRequest.requester))
        )
    )
    for request in pending:
        request.status, request.responded_at = RequestStatus.WITHDRAWN, now
        signals.senior_withdrew.send(request, session=session, links=links)
    return len(pending)


def tell_about_departure(session: Session, leaving: User, *, links: IntroductionLinks | None = None) -> int:
    """A member is deleting their account: everyone with a pending request or
    a connection with them is told, before those rows go with the account
    (a request past its date, as expired)."""
    now = utcnow()
    open_rows = list(
        session.scalars(
            sa.select(IntroRequest)
            .where(
                sa.or_(IntroRequest.requester_id == leaving.id, IntroRequest.senior_id == leaving.id),
                IntroRequest.status.in_([RequestStatus.PENDING, RequestStatus.ACCEPTED]),
            )
            .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
        )
    )
    for request in open_rows:
        if request.status_at(now) == RequestStatus.EXPIRED:
            request.status, request.responded_at = RequestStatus.EXPIRED, now
            if request.senior_id == leaving.id:
                signals.request_expired.send(request, session=session, links=links)
        else:
            signals.member_leaving.send(request, session=session, links=links, leaving=leaving)
    return len(open_rows)


@dataclass
class Overview:
    received: list[IntroRequest]  # pending, addressed to the user
    sent: list[IntroRequest]  # the user's requests, newest first
    connections: list[IntroRequest]  # accepted, either side
    shared: dict[int, list[str]]  # request id -> interests the requester shares with the user
    status: dict[int, str]  # request id -> status of each sent one, as of now (expired when past its date)
    addresses_shown: bool = True  # connections' addresses: only once the user's own is confirmed


def overview(session: Session, user: User, now: datetime | None = None) -> Overview:
    now = now or utcnow()
    rows = list(
        session.scalars(
            sa.select(IntroRequest)
            .where(sa.or_(IntroRequest.requester_id == user.id, IntroRequest.senior_id == user.id))
            .order_by(IntroRequest.created_at.desc(), IntroRequest.id.desc())
            .options(
                selectinload(IntroRequest.requester).selectinload(User.profile).selectinload(Profile.specialties),
                selectinload(IntroRequest.senior).selectinload(User.profile).selectinload(Profile.specialties),
            )
        )
    )
    received = [r for r in rows if r.senior_id == user.id and r.status_at(now) == RequestStatus.PENDING]
    mine = {s.id for s in user.profile.specialties}
    shared = {
        r.id: [s.name for s in r.requester.profile.specialties if s.id in mine]
        for r in received
        if r.requester.profile.show_interests
    }
    sent = [r for r in rows if r.requester_id == user.id]
    return Overview(
        received=received,
        sent=sent,
        connections=[r for r in rows if r.status == RequestStatus.ACCEPTED],
        shared=shared,
        status={r.id: r.status_at(now) for r in sent},
        addresses_shown=user.email_verified,
    )


def connected(session: Session, a: int, b: int) -> bool:
    return session.scalar(
        sa.select(
            sa.exists().where(
                IntroRequest.status == RequestStatus.ACCEPTED,
                sa.or_(
                    sa.and_(IntroRequest.requester_id == a, IntroRequest.senior_id == b),
                    sa.and_(IntroRequest.requester_id == b, IntroRequest.senior_id == a),
                ),
            )
        )
    )
