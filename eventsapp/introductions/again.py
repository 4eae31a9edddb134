"""Meeting again after a speed-mentoring evening, by the rules of asking and
answering: both yes is an introduction accepted at once (counted against
the senior's room), one yes an ordinary request (docs/speed-mentoring.md).
Run inside the caller's write transaction; nothing here commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions import signals
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.models import MAX_PENDING, MESSAGE_MAX, IntroRequest, RequestStatus
from eventsapp.introductions.services import EXPIRES_AFTER, active_connections
from eventsapp.introductions.states import AskState, Stand, ask_state
from eventsapp.text import clean


class Again:
    """What came of two people's wish to meet again (meet_again)."""

    ACCEPTED = "accepted"  # connected now, counted against the senior's room
    CONNECTED = "connected"  # they were connected already
    ASKED = "asked"  # a request waits for the senior's answer
    NO_ROOM = "no_room"  # both said yes, but the senior is at their limit: the request waits
    REFUSED = "refused"  # no request could be sent; `why` says why


@dataclass(frozen=True)
class MeetAgain:
    outcome: str
    request: IntroRequest | None = None
    why: str = ""
    made: bool = False  # the request was sent or accepted by this call
    stand: str = ""  # when refused: where the intern stands with the senior (states.Stand)


def meet_again(
    session: Session,
    intern: User,
    senior: User,
    message: str,
    now: datetime,
    *,
    mutual: bool,
    links: IntroductionLinks | None = None,
    withdrawn: int | None = None,
) -> MeetAgain:
    """The intern would like to meet the senior again, and (`mutual`) the
    senior them. The rules of asking come first (ask_state): a senior no
    longer open to interns, or an intern whose address is unconfirmed, gets
    no introduction, even from a mutual yes. Both yes is then an accepted
    introduction at once, if the senior has room under their limit (as when
    they accept a request), else a request waiting for them; the intern's
    yes alone is an ordinary request. A mutual yes, a fresh wish from both,
    stands over a recent decline; it never pushes the intern past
    MAX_PENDING requests waiting. `withdrawn`: the request an earlier yes
    sent and a later no withdrew; while it would still be waiting it is
    opened again instead of a new one, and the senior, told once already,
    is not told again (a yes, no, yes never sends two notices). Runs in the
    caller's write transaction, after lock_people(intern, senior); does not
    commit."""
    between = sa.and_(IntroRequest.requester_id == intern.id, IntroRequest.senior_id == senior.id)
    open_request = session.scalar(
        sa.select(IntroRequest).where(between, IntroRequest.status.in_(RequestStatus.OPEN)).with_for_update()
    )
    if open_request is not None and open_request.status == RequestStatus.ACCEPTED:
        return MeetAgain(Again.CONNECTED, open_request)
    if not mutual and open_request is not None:
        return MeetAgain(Again.ASKED, open_request)
    state = ask_state(session, intern, senior, now)
    if state.stand in (Stand.NOT_OFFERED, Stand.UNVERIFIED):
        return _refused(state, senior)
    if not mutual:
        return _ask(session, intern, senior, message, now, state, links, withdrawn)
    if active_connections(session, senior.id) < senior.profile.intro_capacity:
        request = open_request or _new_request(session, intern, senior, message, now)
        request.status, request.responded_at = RequestStatus.ACCEPTED, now
        session.flush()
        signals.request_accepted.send(request, session=session, links=links)
        return MeetAgain(Again.ACCEPTED, request, made=True)
    if open_request is not None:
        return MeetAgain(Again.NO_ROOM, open_request)
    if state.waiting >= MAX_PENDING:
        return _refused(AskState(Stand.AT_LIMIT, waiting=state.waiting), senior)
    request = _send(session, intern, senior, message, now, links, withdrawn)
    return MeetAgain(Again.NO_ROOM, request, made=True)


def _ask(session, intern, senior, message, now, state: AskState, links, withdrawn) -> MeetAgain:
    """The intern's yes alone: an ordinary request, by the rules of asking."""
    if not state.can_ask:
        return _refused(state, senior)
    return MeetAgain(Again.ASKED, _send(session, intern, senior, message, now, links, withdrawn), made=True)


def _refused(state: AskState, senior: User) -> MeetAgain:
    return MeetAgain(Again.REFUSED, why=state.refusal(senior.name), stand=state.stand)


def _send(session, intern, senior, message, now, links, withdrawn: int | None = None) -> IntroRequest:
    """A request waiting for the senior, who is told of it; or the one the
    intern withdrew, opened again without telling them twice."""
    reopened = _reopened(session, withdrawn, intern.id, senior.id, now)
    if reopened is not None:
        return reopened
    request = _new_request(session, intern, senior, message, now)
    session.flush()
    signals.request_sent.send(request, session=session, links=links)
    return request


def _new_request(session: Session, intern: User, senior: User, message: str, now: datetime) -> IntroRequest:
    request = IntroRequest(
        requester_id=intern.id,
        senior_id=senior.id,
        message=clean(message, multiline=True)[:MESSAGE_MAX],
        status=RequestStatus.PENDING,
        created_at=now,
        expires_at=now + EXPIRES_AFTER,
    )
    session.add(request)
    return request


def _reopened(session: Session, request_id: int | None, intern_id: int, senior_id: int, now: datetime):
    """The withdrawn request waiting again, if it is the intern's to this
    senior and would still be waiting (not past its expiry)."""
    request = session.get(IntroRequest, request_id, with_for_update=True) if request_id else None
    if request is None or (request.requester_id, request.senior_id) != (intern_id, senior_id):
        return None
    if request.status != RequestStatus.WITHDRAWN or request.expires_at <= now:
        return None
    request.status, request.responded_at = RequestStatus.PENDING, None
    session.flush()
    return request


def withdraw_within(session: Session, request_id: int, requester_id: int, now: datetime) -> bool:
    """Withdraw the requester's request if it still waits (in the caller's
    transaction): True if it did. An accepted one is never undone here."""
    request = session.get(IntroRequest, request_id, with_for_update=True)
    if request is None or request.requester_id != requester_id or request.status_at(now) != RequestStatus.PENDING:
        return False
    request.status, request.responded_at = RequestStatus.WITHDRAWN, now
    return True
