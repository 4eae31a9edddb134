"""Introductions answer what accounts and profiles announce, in the
sender's transaction. Connected on import (eventsapp.connect_receivers)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import account_deleting
from eventsapp.events.links import EventLinks
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.services import tell_about_departure, withdraw_requests_to
from eventsapp.profiles.signals import opted_out


@opted_out.connect
def _withdraw_waiting_requests(session: Session, *, user: User, site: str = "", **_) -> None:
    """Leaving takes effect at once: nobody keeps waiting on an answer."""
    withdraw_requests_to(session, user, links=IntroductionLinks.at(site) if site else None)


@account_deleting.connect
def _tell_about_departure(session: Session, *, user: User, links: EventLinks | None = None, **_) -> None:
    """Whoever had an open request or a connection with the member is told,
    before those rows go with the account; the mail links the site the
    event links name (the request's host)."""
    site = links.site if links else ""
    tell_about_departure(session, user, links=IntroductionLinks.at(site) if site else None)
