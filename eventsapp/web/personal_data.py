"""Everything stored about one member, for them to download. It reads
every domain, so it lives in the web layer, above them all."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event
from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships.privacy import member_data as mentorship_data
from eventsapp.notifications.models import Notification
from eventsapp.profiles import help_kinds
from eventsapp.profiles.models import Profile
from eventsapp.roster.models import RosterInvitation
from eventsapp.rsvps.models import Rsvp
from eventsapp.speed.privacy import member_data as speed_data


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_data(session: Session, user: User, now: datetime) -> dict:
    """Everything stored about the member, as plain JSON-ready data;
    introductions with their status as the member sees it at `now`."""
    organised = session.scalars(sa.select(Event.title).where(Event.organizer_id == user.id)).all()
    return {
        "account": _account(user),
        "profile": _profile(session, user),
        "rsvps": _answers(session, user),
        "check_ins": _check_ins(session, user),
        "introductions": _introductions(session, user, now),
        "mentorships": mentorship_data(session, user),
        "speed_mentoring": speed_data(session, user),
        "notifications": _notifications(session, user),
        "events_organised": list(organised),
        "invitation": _invitation(session, user),
    }


def _invitation(session: Session, user: User) -> dict | None:
    """The roster invitation that brought the member in, if one did (never its link)."""
    invitation = session.get(RosterInvitation, user.id)
    if invitation is None:
        return None
    return {
        "invited_at": _iso(invitation.invited_at),
        "last_sent_at": _iso(invitation.sent_at),
        "accepted_at": _iso(invitation.accepted_at),
    }


def _account(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "created_at": _iso(user.created_at),
        "last_login_at": _iso(user.last_login_at),
        "email_verified_at": _iso(user.email_verified_at),
        "email_notifications": user.email_notifications,
    }


def _profile(session: Session, user: User) -> dict:
    profile = session.scalar(
        sa.select(Profile).where(Profile.user_id == user.id).options(selectinload(Profile.specialties))
    )
    return {
        "career_stage": profile.career_stage,
        "pgy_year": profile.pgy_year,
        "department": profile.department.name if profile.department else None,
        "specialty_interests": [s.name for s in profile.specialties],
        "help_looked_for": [help_kinds.ASKED[k] for k in profile.chosen_help(offered=False)],
        "help_offered": [help_kinds.ASKED[k] for k in profile.chosen_help(offered=True)],
        "bio": profile.bio,
        "open_to_interns": profile.open_to_interns,
        "intro_capacity": profile.intro_capacity,
        "show_department": profile.show_department,
        "show_interests": profile.show_interests,
        "show_bio": profile.show_bio,
        "attendance_visibility": profile.attendance_visibility,
        "timezone": profile.timezone,
        "event_reminders": profile.event_reminders,
        "weekly_digest": profile.weekly_digest,
        "request_reminders": profile.request_reminders,
    }


def _answers(session: Session, user: User) -> list[dict]:
    rows = session.execute(
        sa.select(Rsvp, Event.title, Event.starts_at)
        .join(Event, Event.id == Rsvp.event_id)
        .where(Rsvp.user_id == user.id)
        .order_by(Event.starts_at)
    )
    return [
        {
            "event": title,
            "starts_at": _iso(starts),
            "answer": r.state,
            "answered_at": _iso(r.updated_at),
            "happy_to_be_approached": r.approachable,
        }
        for r, title, starts in rows
    ]


def _check_ins(session: Session, user: User) -> list[dict]:
    rows = session.execute(
        sa.select(CheckIn, Event.title).join(Event, Event.id == CheckIn.event_id).where(CheckIn.user_id == user.id)
    )
    return [{"event": title, "at": _iso(c.checked_in_at), "method": c.method} for c, title in rows]


def _introductions(session: Session, user: User, now: datetime) -> list[dict]:
    requests = session.scalars(
        sa.select(IntroRequest)
        .where(sa.or_(IntroRequest.requester_id == user.id, IntroRequest.senior_id == user.id))
        .options(selectinload(IntroRequest.requester), selectinload(IntroRequest.senior))
    )
    return [
        {
            "direction": "sent" if r.requester_id == user.id else "received",
            "with": (r.senior if r.requester_id == user.id else r.requester).name,
            "status": r.status_at(now),
            "message": r.message,
            "created_at": _iso(r.created_at),
        }
        for r in requests
    ]


def _notifications(session: Session, user: User) -> list[dict]:
    notes = session.scalars(
        sa.select(Notification).where(Notification.user_id == user.id).order_by(Notification.created_at)
    )
    return [{"message": n.message, "at": _iso(n.created_at), "read": n.read_at is not None} for n in notes]
