"""Whom the weekly digest names at each event: for many members at once, the
senior colleagues going whom that event's Who to meet here suggests to
each member. Same rule, checked in Python on facts loaded in a fixed
number of queries per batch of members (never per member or per event):
scoring.admits (who may be suggested at all), and whose attendance the
member may see, as eligibility.attendance_shown (rsvps.rules.may_see_name,
without an organizer's view)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.introductions.models import DECLINE_COOLDOWN, IntroRequest, RequestStatus, waiting_at
from eventsapp.matching import scoring
from eventsapp.matching.eligibility import already_met, rule_for, taken_places
from eventsapp.profiles.career import SENIORITY, stage_label
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.rsvps.rules import may_see_name


@dataclass(frozen=True)
class Colleague:
    user_id: int
    name: str
    stage_label: str


@dataclass(frozen=True)
class _Going:
    """An opted-in senior going to an event, with what the rule asks of them."""

    event_id: int
    colleague: Colleague
    seniority: int
    capacity: int
    connections: int
    visibility: str


@dataclass
class SeniorsGoing:
    """The opted-in seniors going to each of a set of events (by event id)."""

    by_event: dict[int, list[_Going]]

    @property
    def ids(self) -> set[int]:
        return {g.colleague.user_id for going in self.by_event.values() for g in going}


def seniors_going(session: Session, event_ids: list[int], now: datetime) -> SeniorsGoing:
    """Who among those going to these events is open to meeting interns,
    in name order, with how much of their limit is taken at `now`; one
    query. (Deleted accounts have no answers left to
    upcoming events, and none has a profile.)"""
    by_event: dict[int, list[_Going]] = defaultdict(list)
    if not event_ids:
        return SeniorsGoing({})
    rows = session.execute(
        sa.select(
            Rsvp.event_id,
            User.id,
            User.name,
            Profile.career_stage,
            Profile.pgy_year,
            Profile.intro_capacity,
            Profile.attendance_visibility,
            taken_places(now).label("connections"),
        )
        .join(Profile, Profile.user_id == Rsvp.user_id)
        .join(User, User.id == Rsvp.user_id)
        .where(Rsvp.event_id.in_(event_ids), Rsvp.state == RsvpState.GOING, Profile.open_to_interns)
        .order_by(User.name_key, User.id)
    )
    for row in rows:
        colleague = Colleague(row.id, row.name, stage_label(row.career_stage, row.pgy_year))
        by_event[row.event_id].append(
            _Going(
                row.event_id,
                colleague,
                SENIORITY.get(row.career_stage, 0),
                row.intro_capacity,
                row.connections,
                row.attendance_visibility,
            )
        )
    return SeniorsGoing(dict(by_event))


@dataclass
class _Between:
    """What lies between one member and the seniors they asked (scoring.Candidate's fields)."""

    connected: set[int]
    declined_at: dict[int, datetime]
    waiting: dict[int, int]  # senior id: the member's request waiting for their answer
    met: set[int] = field(default_factory=set)  # eligibility.already_met


def _requests(session: Session, member_ids: list[int], senior_ids: set[int], now: datetime) -> dict[int, _Between]:
    """Each member's requests that matter to the rule, to those seniors; one query."""
    found: dict[int, _Between] = defaultdict(lambda: _Between(set(), {}, {}))
    if not member_ids or not senior_ids:
        return found
    declined_since = now - DECLINE_COOLDOWN
    rows = session.execute(
        sa.select(
            IntroRequest.id,
            IntroRequest.requester_id,
            IntroRequest.senior_id,
            IntroRequest.status,
            IntroRequest.responded_at,
        ).where(
            IntroRequest.requester_id.in_(member_ids),
            IntroRequest.senior_id.in_(sorted(senior_ids)),
            sa.or_(
                IntroRequest.status == RequestStatus.ACCEPTED,
                sa.and_(IntroRequest.status == RequestStatus.DECLINED, IntroRequest.responded_at > declined_since),
                waiting_at(now),
            ),
        )
    )
    for row in rows:
        between = found[row.requester_id]
        if row.status == RequestStatus.ACCEPTED:
            between.connected.add(row.senior_id)
        elif row.status == RequestStatus.DECLINED:
            later = max(row.responded_at, between.declined_at.get(row.senior_id, row.responded_at))
            between.declined_at[row.senior_id] = later
        else:
            between.waiting[row.senior_id] = row.id
    return found


def _met(session: Session, member_ids: list[int], senior_ids: set[int], found: dict[int, _Between]) -> None:
    """Adds the seniors each member already met (eligibility.already_met); one query."""
    if not member_ids or not senior_ids:
        return
    pairs = already_met(lambda person: person.in_(member_ids)).subquery()
    for member_id, senior_id in session.execute(
        sa.select(pairs.c.person, pairs.c.other).where(pairs.c.other.in_(sorted(senior_ids)))
    ):
        found[member_id].met.add(senior_id)


def _going_to(session: Session, member_ids: list[int], event_ids: list[int]) -> set[tuple[int, int]]:
    """(member, event) for each of these events the member is going to; one query."""
    if not member_ids or not event_ids:
        return set()
    return set(
        session.execute(
            sa.select(Rsvp.user_id, Rsvp.event_id).where(
                Rsvp.user_id.in_(member_ids), Rsvp.event_id.in_(event_ids), Rsvp.state == RsvpState.GOING
            )
        ).tuples()
    )


def suggested_going(
    session: Session, members: list[User], wanted: dict[int, list[int]], seniors: SeniorsGoing, now: datetime
) -> dict[int, dict[int, list[Colleague]]]:
    """For each member (by id), at each event wanted for them, the seniors
    going whom that event's Who to meet here suggests to them, in name
    order; three queries whatever the number of members and events."""
    member_ids = [m.id for m in members]
    event_ids = sorted({e for events in wanted.values() for e in events})
    going_to = _going_to(session, member_ids, event_ids)
    requests = _requests(session, member_ids, seniors.ids, now)
    _met(session, member_ids, seniors.ids, requests)
    found: dict[int, dict[int, list[Colleague]]] = {}
    for member in members:
        rule, between = rule_for(member, now), requests[member.id]
        found[member.id] = {
            event_id: [
                g.colleague
                for g in seniors.by_event.get(event_id, ())
                if _shown(g, (member.id, event_id) in going_to) and scoring.admits(rule, _candidate(g, between))
            ]
            for event_id in wanted.get(member.id, ())
        }
    return found


def _shown(going: _Going, member_going: bool) -> bool:
    """attendance_shown: as the attendee list shows names to a member, an organizer's view aside."""
    return may_see_name(
        going.visibility,
        viewer_is_self=False,  # (scoring.admits leaves the member out)
        viewer_is_organizer=False,
        viewer_is_member=True,
        viewer_is_going=member_going,
    )


def _candidate(going: _Going, between: _Between) -> scoring.Candidate:
    user_id = going.colleague.user_id
    return scoring.Candidate(
        user_id=user_id,
        name=going.colleague.name,
        stage_label=going.colleague.stage_label,
        seniority=going.seniority,
        open_to_interns=True,
        interests=frozenset(),
        capacity=going.capacity,
        active_connections=going.connections,
        request_id=between.waiting.get(user_id),
        connected=user_id in between.connected,
        declined_at=between.declined_at.get(user_id),
        met=user_id in between.met,
    )
