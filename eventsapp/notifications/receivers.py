"""Notifications answer what events and RSVPs announce: people are told in
the app and by mail, in the sender's transaction (the mail is stored in the
outbox with it); an event's change or cancellation is stored there for the
worker to tell its members (fanout.py). Connected on import
(eventsapp.connect_receivers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.events import signals as event_signals
from eventsapp.events.links import EventLinks
from eventsapp.notifications import event_notices, fanout
from eventsapp.notifications.models import FanoutKind, MailStatus, OutboxMail
from eventsapp.rsvps import signals as rsvp_signals


@event_signals.events_changed.connect
def _tell_about_changes(session: Session, *, edits, links: EventLinks | None = None, **_) -> None:
    """Stored for the worker (fanout.py): the request does not wait for
    every member's mail."""
    before = [(event, {name: values[name] for name in event_notices.FIELDS}) for event, values in edits]
    fanout.store(session, FanoutKind.CHANGED, before, links or EventLinks.on_site(current_app.config))


@event_signals.events_cancelled.connect
def _tell_about_cancellation(session: Session, *, events, links: EventLinks | None = None, **_) -> None:
    fanout.store(
        session, FanoutKind.CANCELLED, [(e, None) for e in events], links or EventLinks.on_site(current_app.config)
    )


@rsvp_signals.promoted.connect
def _tell_the_promoted(session: Session, *, event, rsvps, links: EventLinks | None = None, **_) -> None:
    event_notices.promoted(session, event, rsvps, links or EventLinks.on_site(current_app.config))


@rsvp_signals.seat_confirmed.connect
@rsvp_signals.waitlisted.connect
def _confirm_the_answer(session: Session, *, event, user, rsvp, links: EventLinks | None = None, **_) -> None:
    event_notices.rsvp_confirmed(session, event, user, rsvp, links or EventLinks.on_site(current_app.config))


@account_deleting.connect
def _forget_their_mail(session: Session, *, user: User, **_) -> None:
    """Mail to a deleted account is neither sent nor kept (its address and
    text are theirs); one a worker is sending at this moment goes, and its
    row loses the account (ON DELETE SET NULL) until it is purged."""
    session.execute(
        sa.delete(OutboxMail)
        .where(OutboxMail.user_id == user.id, OutboxMail.status != MailStatus.SENDING)
        .execution_options(synchronize_session=False)
    )
