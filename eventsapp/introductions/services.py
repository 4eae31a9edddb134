"""Introduction requests and the connections they become."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import sqlalchemy as sa
from flask import has_request_context, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.introductions.models import MESSAGE_MAX, IntroRequest, RequestStatus
from eventsapp.introductions.states import NOT_AVAILABLE, ask_state
from eventsapp.notifications.services import Message, notify
from eventsapp.profiles.models import Profile
from eventsapp.text import clean
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write

EXPIRES_AFTER = timedelta(days=14)


class Kind:
    REQUESTED = "intro_requested"
    ACCEPTED = "intro_accepted"
    DECLINED = "intro_declined"
    EXPIRED = "intro_expired"
    ENDED = "intro_ended"


def _link(endpoint: str) -> str:
    return url_for(endpoint) if has_request_context() else "/introductions"


def _tell(session: Session, user: User, kind: str, subject: str, body: str) -> None:
    link = _link("introductions.index")
    notify(session, [user], Message(kind=kind, subject=subject, body=f"{body}\n\nSee your introductions: {link}",
                                    link=link))


def _active_connections(session: Session, senior_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(IntroRequest).where(
        IntroRequest.senior_id == senior_id, IntroRequest.status == RequestStatus.ACCEPTED))


@cache
def _any_overdue():
    """Whether a pending request is past its date (parameter now); built
    once, as People to meet asks on every view."""
    return sa.select(sa.exists().where(IntroRequest.status == RequestStatus.PENDING,
                                       IntroRequest.expires_at <= sa.bindparam("now")))


def expire_stale(session: Session, now: datetime | None = None) -> int:
    """Pending requests nobody answered within 14 days expire; the requester
    is told and the slot is free again."""
    now = now or utcnow()
    if not session.scalar(_any_overdue(), {"now": now}):
        return 0  # the usual case: a read, no write lock taken by a page view
    # A conditional UPDATE claims the rows: of two pages doing this at once,
    # each request is expired (and its requester told) by exactly one.
    claimed = list(session.scalars(
        sa.update(IntroRequest).where(IntroRequest.status == RequestStatus.PENDING, IntroRequest.expires_at <= now)
        .values(status=RequestStatus.EXPIRED, responded_at=now).returning(IntroRequest.id)))
    stale = list(session.scalars(sa.select(IntroRequest).where(IntroRequest.id.in_(claimed))
                                 .options(selectinload(IntroRequest.requester),
                                          selectinload(IntroRequest.senior)))) if claimed else []
    for request in stale:
        _tell(session, request.requester, Kind.EXPIRED,
              f"Your introduction request to {request.senior.name} expired",
              f"{request.senior.name} did not answer within 14 days. The request no longer counts "
              "towards your limit; you can ask someone else.")
    session.commit()
    return len(stale)


def request_introduction(session: Session, requester: User, senior_id: int, message: str,
                         now: datetime | None = None) -> IntroRequest:
    message = clean(message, multiline=True)
    if not message:
        raise DomainError("Say in a sentence or two why you'd like to meet.", field="message")
    if len(message) > MESSAGE_MAX:
        raise DomainError(f"Keep it under {MESSAGE_MAX} characters.", field="message")
    expire_stale(session)  # an expired request no longer counts towards the limit
    begin_write(session)
    now = now or utcnow()
    # Lock the requester's profile: their pending count is read, then added to.
    _lock_profile(session, requester.id)
    senior = session.get(User, senior_id)
    if senior is None or senior.id == requester.id:
        raise NotFound("No such colleague.")
    state = ask_state(session, requester, senior, now)
    if not state.can_ask:
        raise DomainError(state.refusal(senior.name))
    request = IntroRequest(requester_id=requester.id, senior_id=senior.id, message=message,
                           status=RequestStatus.PENDING, created_at=now, expires_at=now + EXPIRES_AFTER)
    session.add(request)
    _tell(session, senior, Kind.REQUESTED, f"{requester.name} would like to meet you",
          f"{requester.name} ({requester.profile.stage_label}) asked for an introduction:\n\n{message}")
    try:
        session.commit()
    except IntegrityError as exc:  # a double submit raced this one
        session.rollback()
        raise DomainError(f"You already asked to meet {senior.name}.") from exc
    return request


def _lock_profile(session: Session, user_id: int) -> None:
    """Serialise changes that count one person's requests (a row lock on
    PostgreSQL; on SQLite, begin_write's BEGIN IMMEDIATE already does)."""
    session.execute(sa.select(Profile.user_id).where(Profile.user_id == user_id).with_for_update())


def _request_for(session: Session, request_id: int) -> IntroRequest:
    request = session.scalar(sa.select(IntroRequest).where(IntroRequest.id == request_id).with_for_update()
                             .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior)))
    if request is None:
        raise NotFound("No such request.")
    return request


def answer(session: Session, senior: User, request_id: int, accept: bool, now: datetime | None = None) -> IntroRequest:
    """The senior accepts (both then see each other's email) or declines
    (the requester only hears 'not available right now')."""
    begin_write(session)
    now = now or utcnow()
    # Lock the senior's profile: their connections are counted, then added to.
    _lock_profile(session, senior.id)
    request = _request_for(session, request_id)
    if request.senior_id != senior.id:
        raise NotAllowed("This request is addressed to someone else.")
    if request.status != RequestStatus.PENDING or request.expires_at <= now:
        raise DomainError("This request is no longer waiting for an answer.")
    if accept and _active_connections(session, senior.id) >= senior.profile.intro_capacity:
        raise DomainError(f"You already have {senior.profile.intro_capacity} active introductions, your limit. "
                          "End one, or raise your limit on your profile, to accept.")
    request.status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    request.responded_at = now
    if accept:
        _tell(session, request.requester, Kind.ACCEPTED, f"{senior.name} accepted your introduction",
              f"{senior.name} would be glad to meet you. You can now see each other's email address.")
    else:
        _tell(session, request.requester, Kind.DECLINED, f"{senior.name} is {NOT_AVAILABLE}",
              f"{senior.name} is {NOT_AVAILABLE}. Other colleagues on your People to meet page share your interests.")
    session.commit()
    return request


def withdraw(session: Session, requester: User, request_id: int) -> IntroRequest:
    begin_write(session)
    request = _request_for(session, request_id)
    if request.requester_id != requester.id:
        raise NotAllowed("Only the person who asked can withdraw a request.")
    if request.status != RequestStatus.PENDING:
        raise DomainError("This request is no longer waiting for an answer.")
    request.status, request.responded_at = RequestStatus.WITHDRAWN, utcnow()
    session.commit()
    return request


def end_connection(session: Session, user: User, request_id: int) -> IntroRequest:
    """Either side may end a connection; the other is told."""
    begin_write(session)
    request = _request_for(session, request_id)
    if user.id not in (request.requester_id, request.senior_id):
        raise NotAllowed("This connection is between two other people.")
    if request.status != RequestStatus.ACCEPTED:
        raise DomainError("This is not an active connection.")
    request.status, request.ended_at = RequestStatus.ENDED, utcnow()
    other = request.senior if user.id == request.requester_id else request.requester
    _tell(session, other, Kind.ENDED, f"{user.name} ended your mentoring connection",
          f"{user.name} ended the connection. Thank you for the time you spent together.")
    session.commit()
    return request


def withdraw_requests_to(session: Session, senior: User) -> int:
    """A senior stopped being open to meeting interns: their pending requests
    are withdrawn at once and the requesters told (in the same transaction)."""
    pending = list(session.scalars(sa.select(IntroRequest).where(
        IntroRequest.senior_id == senior.id, IntroRequest.status == RequestStatus.PENDING)
        .options(selectinload(IntroRequest.requester))))
    now = utcnow()
    for request in pending:
        request.status, request.responded_at = RequestStatus.WITHDRAWN, now
        _tell(session, request.requester, Kind.DECLINED, f"{senior.name} is {NOT_AVAILABLE}",
              f"{senior.name} is no longer taking introductions, so your request was withdrawn.")
    return len(pending)


def tell_about_departure(session: Session, leaving: User) -> int:
    """A member is deleting their account: everyone with a pending request or
    a connection with them is told, before those rows go with the account."""
    open_rows = list(session.scalars(sa.select(IntroRequest).where(
        sa.or_(IntroRequest.requester_id == leaving.id, IntroRequest.senior_id == leaving.id),
        IntroRequest.status.in_([RequestStatus.PENDING, RequestStatus.ACCEPTED]))
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))))
    for request in open_rows:
        other = request.senior if request.requester_id == leaving.id else request.requester
        if request.status == RequestStatus.ACCEPTED:
            _tell(session, other, Kind.ENDED, f"{leaving.name} has left Mentor Rounds",
                  f"{leaving.name} deleted their account, so your mentoring connection has ended.")
        elif request.requester_id == leaving.id:
            _tell(session, other, Kind.ENDED, f"{leaving.name} withdrew their request",
                  f"{leaving.name} deleted their account, so their request for an introduction is withdrawn.")
        else:
            _tell(session, other, Kind.DECLINED, f"{leaving.name} is {NOT_AVAILABLE}",
                  f"{leaving.name} deleted their account, so your request was withdrawn. "
                  "People to meet suggests other colleagues who share your interests.")
    return len(open_rows)


@dataclass
class Overview:
    received: list[IntroRequest]      # pending, addressed to the user
    sent: list[IntroRequest]          # the user's requests, newest first
    connections: list[IntroRequest]   # accepted, either side
    shared: dict[int, list[str]]      # request id -> interests the requester shares with the user


def overview(session: Session, user: User) -> Overview:
    rows = list(session.scalars(sa.select(IntroRequest).where(
        sa.or_(IntroRequest.requester_id == user.id, IntroRequest.senior_id == user.id))
        .order_by(IntroRequest.created_at.desc(), IntroRequest.id.desc())
        .options(selectinload(IntroRequest.requester).selectinload(User.profile).selectinload(Profile.specialties),
                 selectinload(IntroRequest.senior).selectinload(User.profile).selectinload(Profile.specialties))))
    received = [r for r in rows if r.senior_id == user.id and r.status == RequestStatus.PENDING]
    mine = {s.id for s in user.profile.specialties}
    shared = {r.id: [s.name for s in r.requester.profile.specialties if s.id in mine]
              for r in received if r.requester.profile.show_interests}
    return Overview(received=received, sent=[r for r in rows if r.requester_id == user.id],
                    connections=[r for r in rows if r.status == RequestStatus.ACCEPTED], shared=shared)


def connected(session: Session, a: int, b: int) -> bool:
    return session.scalar(sa.select(sa.exists().where(
        IntroRequest.status == RequestStatus.ACCEPTED,
        sa.or_(sa.and_(IntroRequest.requester_id == a, IntroRequest.senior_id == b),
               sa.and_(IntroRequest.requester_id == b, IntroRequest.senior_id == a)))))
