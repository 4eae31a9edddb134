"""What invitations to events tell: the intern is invited (the event and
who invites, with the page where they answer), the senior hears the
answer. Mail is of the "updates" preference (its kind begins "intro_")."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.events.listing import viewer_zone
from eventsapp.events.timefmt import format_moment, zone_label
from eventsapp.mentorships import signals
from eventsapp.mentorships.links import InvitationLinks
from eventsapp.mentorships.models import Invitation
from eventsapp.notifications.services import Message, notify
from eventsapp.rsvps.states import RsvpState
from eventsapp.timeutil import utcnow


class Kind:
    INVITED = "intro_invitation"
    ANSWERED = "intro_invitation_answer"


def _when(invitation: Invitation, user) -> str:
    zone, start = viewer_zone(user), invitation.event.starts_at
    place = f", {invitation.event.location}" if invitation.event.location else ""
    return f"{format_moment(start, zone, utcnow())} ({zone_label(zone, start)}){place}"


@signals.invitation_sent.connect
def invitation_sent(invitation: Invitation, *, session: Session, links: InvitationLinks, **_) -> None:
    senior, intern, event = invitation.senior, invitation.intern, invitation.event
    note = f"\n\nTheir note:\n{invitation.note}" if invitation.note else ""
    notify(
        session,
        [intern],
        Message(
            kind=Kind.INVITED,
            subject=f"{senior.name} invites you to {event.title}",
            body=f"{senior.name} invites you to {event.title}: {_when(invitation, intern)}.{note}\n\n"
            f"Answer going or not going: {links.url(invitation.id)}",
            link=links.path(invitation.id),
            event_id=event.id,
            site=links.site,
        ),
    )


@signals.invitation_answered.connect
def invitation_answered(
    invitation: Invitation, *, session: Session, links: InvitationLinks, seat: str | None, **_
) -> None:
    intern, event = invitation.intern, invitation.event
    if seat == RsvpState.WAITLISTED:
        said = f"would like to go to {event.title}: every seat is taken, so they are on the waitlist"
    elif seat:
        said = f"is going to {event.title}"
    else:
        said = f"can't make it to {event.title}"
    notify(
        session,
        [invitation.senior],
        Message(
            kind=Kind.ANSWERED,
            subject=f"{intern.name} {said.split(':')[0]}",
            body=f"You invited {intern.name} to {event.title} ({_when(invitation, invitation.senior)}). "
            f"{intern.name} {said}.\n\nThe invitation: {links.url(invitation.id)}",
            link=links.path(invitation.id),
            event_id=event.id,
            site=links.site,
        ),
    )
