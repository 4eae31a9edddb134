"""Mentorship meetings in calendars: each member's next meeting with the
other, in their private feed and as a download. One VEVENT per mentorship
(its UID fixed, its SEQUENCE counting the changes), so a moved meeting moves
in calendars, and a closed mentorship's meeting shows as cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from eventsapp.accounts.models import User
from eventsapp.ical.builder import IcsCalendar, IcsEvent, build
from eventsapp.ical.describe import Export, Links, last_modified, uid_of
from eventsapp.mentorships.links import MentorshipLinks
from eventsapp.mentorships.models import Mentorship, MentorshipStatus
from eventsapp.timeutil import zone_named

LENGTH = timedelta(hours=1)


class NextMeeting(NamedTuple):
    """What a calendar says of one next meeting (plain values: part of a
    kept feed's key)."""

    mentorship_id: int
    starts_at: datetime
    zone: str
    place: str
    sequence: int
    status: str
    started_at: datetime
    updated_at: datetime
    other_name: str | None


@cache
def _query():
    """The member's next meetings in a window (parameters user_id, first, last)."""
    other = aliased(User)
    user_id = sa.bindparam("user_id")
    return (
        sa.select(
            Mentorship.id,
            Mentorship.next_meeting_at,
            Mentorship.next_meeting_zone,
            Mentorship.next_meeting_place,
            Mentorship.next_meeting_sequence,
            Mentorship.status,
            Mentorship.started_at,
            Mentorship.updated_at,
            other.name,
        )
        .outerjoin(
            other,
            other.id == sa.case((Mentorship.intern_id == user_id, Mentorship.mentor_id), else_=Mentorship.intern_id),
        )
        .where(
            sa.or_(Mentorship.intern_id == user_id, Mentorship.mentor_id == user_id),
            Mentorship.next_meeting_at >= sa.bindparam("first"),
            Mentorship.next_meeting_at <= sa.bindparam("last"),
        )
        .order_by(Mentorship.next_meeting_at, Mentorship.id)
    )


def next_meetings(session: Session, user_id: int, first: datetime, last: datetime) -> tuple[NextMeeting, ...]:
    rows = session.execute(_query(), {"user_id": user_id, "first": first, "last": last})
    return tuple(NextMeeting(*row) for row in rows)


def describe_meeting(meeting: NextMeeting, links: Links, pages: MentorshipLinks | None) -> IcsEvent:
    tzid = meeting.zone if zone_named(meeting.zone) else "UTC"
    start = meeting.starts_at.astimezone(ZoneInfo(tzid))
    with_whom = meeting.other_name or "a former member"
    url = pages.page(meeting.mentorship_id) if pages else ""
    description = f"Your next mentorship meeting with {with_whom}."
    if url:
        description += f"\n\nYour mentorship page: {url}"
    return IcsEvent(
        uid=uid_of("mentorship", meeting.mentorship_id, links),
        summary=f"Mentorship meeting with {with_whom}",
        start=start,
        end=start + LENGTH,
        tzid=tzid,
        created=meeting.started_at,
        last_modified=meeting.updated_at,
        sequence=meeting.sequence,
        status="CONFIRMED" if meeting.status == MentorshipStatus.ACTIVE else "CANCELLED",
        description=description,
        location=meeting.place,
        url=url,
    )


def meeting_file(meeting: NextMeeting, links: Links, pages: MentorshipLinks | None) -> Export:
    """One next meeting, as a file to open or import."""
    items = [describe_meeting(meeting, links, pages)]
    return Export.of(build(IcsCalendar(items)), last_modified(items))


def next_meeting_of(session: Session, user_id: int, mentorship_id: int) -> NextMeeting | None:
    """The member's next meeting in that mentorship (None: none set, or not theirs)."""
    far = datetime(1900, 1, 1, tzinfo=ZoneInfo("UTC")), datetime(2200, 1, 1, tzinfo=ZoneInfo("UTC"))
    return next((m for m in next_meetings(session, user_id, *far) if m.mentorship_id == mentorship_id), None)
