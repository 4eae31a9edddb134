"""A member's own data: download all of it, or delete the account.

Deleting keeps what others rely on: answers to past events and check-ins
stay, anonymised, so organizers' counts stay right; places held for
upcoming events are given up (the waitlist moves on); events the member
organised pass to a co-organizer, or else to an admin; whoever had an
open introduction request or a connection with the member is told.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts import passwords
from eventsapp.accounts.models import Role, User
from eventsapp.attendance.models import CheckIn
from eventsapp.errors import DomainError
from eventsapp.events.models import Event
from eventsapp.introductions.models import IntroRequest
from eventsapp.notifications.models import Notification
from eventsapp.profiles.models import Profile
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.timeutil import utcnow
from eventsapp.transactions import begin_write, lock_events


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_data(session: Session, user: User) -> dict:
    """Everything stored about the member, as plain JSON-ready data."""
    profile = session.scalar(sa.select(Profile).where(Profile.user_id == user.id)
                             .options(selectinload(Profile.specialties)))
    rsvps = session.execute(sa.select(Rsvp, Event.title, Event.starts_at).join(Event, Event.id == Rsvp.event_id)
                            .where(Rsvp.user_id == user.id).order_by(Event.starts_at)).all()
    check_ins = session.execute(sa.select(CheckIn, Event.title).join(Event, Event.id == CheckIn.event_id)
                                .where(CheckIn.user_id == user.id)).all()
    requests = session.scalars(sa.select(IntroRequest).where(
        sa.or_(IntroRequest.requester_id == user.id, IntroRequest.senior_id == user.id))
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))).all()
    notes = session.scalars(sa.select(Notification).where(Notification.user_id == user.id)
                            .order_by(Notification.created_at)).all()
    organised = session.scalars(sa.select(Event.title).where(Event.organizer_id == user.id)).all()
    return {
        "account": {"name": user.name, "email": user.email, "role": user.role, "created_at": _iso(user.created_at),
                    "last_login_at": _iso(user.last_login_at), "email_notifications": user.email_notifications},
        "profile": {"career_stage": profile.career_stage, "pgy_year": profile.pgy_year,
                    "department": profile.department.name if profile.department else None,
                    "specialty_interests": [s.name for s in profile.specialties], "bio": profile.bio,
                    "open_to_interns": profile.open_to_interns, "intro_capacity": profile.intro_capacity,
                    "show_department": profile.show_department, "show_interests": profile.show_interests,
                    "show_bio": profile.show_bio, "attendance_visibility": profile.attendance_visibility,
                    "timezone": profile.timezone},
        "rsvps": [{"event": title, "starts_at": _iso(starts), "answer": r.state, "answered_at": _iso(r.updated_at),
                   "happy_to_be_approached": r.approachable} for r, title, starts in rsvps],
        "check_ins": [{"event": title, "at": _iso(c.checked_in_at), "method": c.method} for c, title in check_ins],
        "introductions": [{"direction": "sent" if r.requester_id == user.id else "received",
                           "with": (r.senior if r.requester_id == user.id else r.requester).name,
                           "status": r.status, "message": r.message, "created_at": _iso(r.created_at)}
                          for r in requests],
        "notifications": [{"message": n.message, "at": _iso(n.created_at), "read": n.read_at is not None}
                          for n in notes],
        "events_organised": list(organised),
    }


def delete_account(session: Session, user: User, password: str) -> None:
    if not passwords.verify_password(user.password_hash, password or ""):
        raise DomainError("That password is not right.", field="password")
    if user.is_admin and not session.scalar(sa.select(sa.exists().where(User.role == Role.ADMIN,
                                                                         User.id != user.id))):
        raise DomainError("You are the only admin. Make someone else an admin first "
                          "(flask --app app make-admin EMAIL), then delete your account.")
    from eventsapp.introductions.services import tell_about_departure
    from eventsapp.rsvps.services import promote_from_waitlist

    begin_write(session)
    now = utcnow()
    user = session.get(User, user.id)
    mine = session.execute(sa.select(Rsvp.id, Rsvp.event_id, Rsvp.state, Event.ends_at)
                           .join(Event, Event.id == Rsvp.event_id).where(Rsvp.user_id == user.id)).all()
    upcoming = [row for row in mine if row.ends_at > now]
    events = {e.id: e for e in lock_events(session, sorted({row.event_id for row in upcoming}))}
    # Upcoming: give the place up. Past: keep the answer, without a name.
    session.execute(sa.delete(Rsvp).where(Rsvp.id.in_([row.id for row in upcoming])))
    session.execute(sa.update(Rsvp).where(Rsvp.user_id == user.id).values(user_id=None))
    session.execute(sa.update(CheckIn).where(CheckIn.user_id == user.id).values(user_id=None, guest_name=None))
    session.execute(sa.update(CheckIn).where(CheckIn.checked_in_by_id == user.id).values(checked_in_by_id=None))
    session.flush()
    for row in upcoming:
        if row.state == RsvpState.GOING:
            promote_from_waitlist(session, events[row.event_id])
    _hand_over_events(session, user)
    tell_about_departure(session, user)
    session.delete(user)
    session.commit()


def _hand_over_events(session: Session, user: User) -> None:
    admin = session.scalar(sa.select(User).where(User.role == Role.ADMIN, User.id != user.id).order_by(User.id))
    for event in session.scalars(sa.select(Event).where(Event.organizer_id == user.id)
                                 .options(selectinload(Event.co_organizers))):
        others = [u for u in event.co_organizers if u.id != user.id]
        event.organizer = others[0] if others else admin
        if others:
            event.co_organizers = others[1:]
