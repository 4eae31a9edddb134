"""The life of a mentorship: goals, rhythm, the meeting log, the next
meeting and closing. Each function is one transaction: it checks, writes
and commits, or raises a DomainError having saved nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import signals
from eventsapp.mentorships.answers import CLOSED
from eventsapp.mentorships.links import ON_SITE
from eventsapp.mentorships.models import (
    COMMENT_MAX,
    GOALS_MAX,
    NOTE_MAX,
    PLACE_MAX,
    THANKS_MAX,
    CloseReason,
    Meeting,
    MeetingNote,
    Mentorship,
    MentorshipStatus,
    Place,
    Rhythm,
)
from eventsapp.mentorships.places import LOG_BACK, meeting_events
from eventsapp.text import clean
from eventsapp.timeutil import utcnow, zone_named
from eventsapp.transactions import begin_write

#: How far ahead the next meeting may be set (how far back a meeting may
#: be logged: places.LOG_BACK).
PLAN_AHEAD = timedelta(days=365)


def mentorship_for(session: Session, user_id: int, mentorship_id: int, *, lock: bool = False) -> Mentorship:
    """The mentorship, if the member is one of its two people. Anyone else
    (an organizer or an admin too) is told it does not exist."""
    statement = sa.select(Mentorship).where(
        Mentorship.id == mentorship_id, sa.or_(Mentorship.intern_id == user_id, Mentorship.mentor_id == user_id)
    )
    if lock:
        statement = statement.with_for_update()
    mentorship = session.scalar(
        statement.options(selectinload(Mentorship.intern), selectinload(Mentorship.mentor)).execution_options(
            populate_existing=True
        )
    )
    if mentorship is None:
        raise NotFound("No such mentorship.")
    return mentorship


def _open_for_writing(session: Session, user: User, mentorship_id: int) -> Mentorship:
    begin_write(session)
    mentorship = mentorship_for(session, user.id, mentorship_id, lock=True)
    if not mentorship.is_active:
        raise DomainError(CLOSED.format(day=f"{mentorship.closed_at:%d %b %Y}"))
    return mentorship


def _text(value: str, limit: int, field: str, what: str, *, required: bool = False) -> str:
    text = clean(value, multiline=True)
    if required and not text:
        raise DomainError(f"Write {what}.", field=field)
    if len(text) > limit:
        raise DomainError(f"Keep {what} to at most {limit:,} characters (this is {len(text):,}).", field=field)
    return text


def write_goals(session: Session, user: User, mentorship_id: int, goals: str, *, links=ON_SITE) -> None:
    """The intern's goals and expectations; the senior is told."""
    text = _text(goals, GOALS_MAX, "goals", "your goals", required=True)
    mentorship = _open_for_writing(session, user, mentorship_id)
    if user.id != mentorship.intern_id:
        raise NotAllowed("The intern writes the goals; you can comment on them.")
    mentorship.goals, mentorship.updated_at = text, utcnow()
    signals.goals_written.send(mentorship, session=session, links=links, by=user)
    session.commit()


def comment_goals(session: Session, user: User, mentorship_id: int, comment: str, *, links=ON_SITE) -> None:
    text = _text(comment, COMMENT_MAX, "comment", "your comment")
    mentorship = _open_for_writing(session, user, mentorship_id)
    if user.id != mentorship.mentor_id:
        raise NotAllowed("The senior colleague comments on the goals.")
    mentorship.goals_comment, mentorship.updated_at = text, utcnow()
    signals.goals_commented.send(mentorship, session=session, links=links, by=user)
    session.commit()


def set_rhythm(session: Session, user: User, mentorship_id: int, rhythm: str) -> None:
    if rhythm not in Rhythm.ALL:
        raise DomainError("Choose how often you mean to meet.", field="rhythm")
    mentorship = _open_for_writing(session, user, mentorship_id)
    mentorship.rhythm, mentorship.updated_at = rhythm, utcnow()
    session.commit()


@dataclass(frozen=True)
class MeetingDetails:
    met_on: date | None
    place: str
    event_id: int | None = None
    note: str = ""


def log_meeting(
    session: Session,
    user: User,
    mentorship_id: int,
    details: MeetingDetails,
    today: date,
    *,
    links=ON_SITE,
) -> Meeting:
    """`today` is the member's own date (their time zone): a meeting is
    logged once it happened, and at most LOG_BACK ago."""
    if details.met_on is None:
        raise DomainError("Enter the date you met.", field="met_on")
    if details.met_on > today:
        raise DomainError("That date is still to come: log a meeting once it happened.", field="met_on")
    if details.met_on < today - LOG_BACK:
        raise DomainError("That is more than a year ago: enter a date within the last year.", field="met_on")
    if details.place not in Place.ALL:
        raise DomainError("Choose where you met.", field="place")
    note = _text(details.note, NOTE_MAX, "note", "your note")
    mentorship = _open_for_writing(session, user, mentorship_id)
    event_id = None
    if details.place == Place.EVENT:
        allowed = {e.id for e in meeting_events(session, mentorship, today)}
        if details.event_id not in allowed:
            raise DomainError("Choose the event from the list.", field="event_id")
        event_id = details.event_id
    meeting = Meeting(
        mentorship_id=mentorship.id, met_on=details.met_on, place=details.place, event_id=event_id,
        logged_by_id=user.id, logged_at=utcnow(),
    )  # fmt: skip
    session.add(meeting)
    session.flush()
    if note:
        session.add(MeetingNote(meeting_id=meeting.id, author_id=user.id, text=note, written_at=utcnow()))
    mentorship.updated_at = utcnow()
    signals.meeting_logged.send(mentorship, session=session, links=links, by=user, meeting=meeting)
    session.commit()
    return meeting


def save_note(session: Session, user: User, mentorship_id: int, meeting_id: int, text: str) -> None:
    """The member's own private note on a meeting (an empty one removes it).
    Notes stay writable after closing: they are the author's alone."""
    note_text = _text(text, NOTE_MAX, "note", "your note")
    begin_write(session)
    mentorship = mentorship_for(session, user.id, mentorship_id, lock=True)
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.mentorship_id != mentorship.id:
        raise NotFound("No such meeting.")
    note = session.scalar(
        sa.select(MeetingNote).where(MeetingNote.meeting_id == meeting.id, MeetingNote.author_id == user.id)
    )
    if note is None and note_text:
        session.add(MeetingNote(meeting_id=meeting.id, author_id=user.id, text=note_text, written_at=utcnow()))
    elif note is not None and note_text:
        note.text, note.written_at = note_text, utcnow()
    elif note is not None:
        session.delete(note)
    session.commit()


def set_next_meeting(
    session: Session,
    user: User,
    mentorship_id: int,
    starts_at: datetime,
    zone: str,
    place: str,
    now: datetime | None = None,
    *,
    links=ON_SITE,
) -> None:
    """The next meeting (aware `starts_at`; `zone`, the member's, for the
    calendars); both members' calendars show it."""
    now = now or utcnow()
    if starts_at <= now:
        raise DomainError("That time has passed: choose a time still to come.", field="date")
    if starts_at > now + PLAN_AHEAD:
        raise DomainError("That is more than a year ahead: choose a date within the next year.", field="date")
    place_text = clean(place)
    if len(place_text) > PLACE_MAX:
        raise DomainError(f"Keep the place to at most {PLACE_MAX} characters.", field="place")
    mentorship = _open_for_writing(session, user, mentorship_id)
    mentorship.next_meeting_at, mentorship.next_meeting_place = starts_at, place_text
    mentorship.next_meeting_zone = zone if zone_named(zone) else "UTC"
    mentorship.next_meeting_sequence += 1
    mentorship.updated_at = now
    signals.next_meeting_set.send(mentorship, session=session, links=links, by=user)
    session.commit()


def close(
    session: Session, user: User, mentorship_id: int, reason: str, thank_you: str = "", *, links=ON_SITE
) -> Mentorship:
    """Either member closes it, with a reason and perhaps a thank-you; the
    introduction's connection ends with it (quietly: the other member hears
    of the mentorship, once)."""
    if reason not in CloseReason.CHOSEN:
        raise DomainError("Choose a reason.", field="reason")
    thanks = _text(thank_you, THANKS_MAX, "thank_you", "your thank-you")
    mentorship = _open_for_writing(session, user, mentorship_id)
    now = utcnow()
    end_mentorship(session, mentorship, now, reason, by_id=user.id)
    mentorship.thank_you = thanks
    signals.mentorship_closed.send(mentorship, session=session, links=links, by=user, reason=reason, thank_you=thanks)
    session.commit()
    return mentorship


def end_mentorship(session: Session, mentorship: Mentorship, now: datetime, reason: str, *, by_id: int | None) -> None:
    mentorship.status, mentorship.closed_at, mentorship.updated_at = MentorshipStatus.CLOSED, now, now
    mentorship.close_reason, mentorship.closed_by_id = reason, by_id
    if mentorship.intro_request_id is not None:
        session.execute(
            sa.update(IntroRequest)
            .where(IntroRequest.id == mentorship.intro_request_id, IntroRequest.status == RequestStatus.ACCEPTED)
            .values(status=RequestStatus.ENDED, ended_at=now)
            .execution_options(synchronize_session="fetch")
        )


def end_with_connection(session: Session, request_id: int, by_id: int) -> None:
    """The introduction's connection was ended: its mentorship closes too
    (in the same transaction; the connection's notice says it)."""
    mentorship = session.scalar(
        sa.select(Mentorship).where(
            Mentorship.intro_request_id == request_id, Mentorship.status == MentorshipStatus.ACTIVE
        )
    )
    if mentorship is not None:
        end_mentorship(session, mentorship, utcnow(), CloseReason.ENDED, by_id=by_id)
