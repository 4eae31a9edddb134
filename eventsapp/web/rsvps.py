from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import parse_id
from eventsapp.rsvps import services
from eventsapp.rsvps.models import RsvpState
from eventsapp.web.links import event_links

bp = Blueprint("rsvps", __name__)

CONFIRMATIONS = {
    RsvpState.GOING: "You're going. See you there!",
    RsvpState.MAYBE: "Marked as maybe. You don't hold a seat; answer again when you know.",
    RsvpState.DECLINED: "Marked as not going.",
}


def _revision() -> int | None:
    value = request.form.get("revision", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


@bp.post("/events/<int:event_id>/rsvp")
@login_required
def respond(event_id: int):
    state = request.form.get("state", "")
    try:
        outcome = services.respond(
            db.session, current_user, event_id, state, seen_revision=_revision(), links=event_links()
        )
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        if outcome.state == RsvpState.WAITLISTED:
            flash(
                f"The event is full: you're number {outcome.waitlist_position} on the waitlist. "
                "You'll be told if a place opens up.",
                "info",
            )
        else:
            flash(CONFIRMATIONS[outcome.state], "success")
    return redirect(url_for("events.show", event_id=event_id) + "#rsvp")


@bp.post("/series/<int:series_id>/rsvp")
@login_required
def respond_to_series(series_id: int):
    state = request.form.get("state", "")
    back = parse_id(request.form.get("event_id"))
    try:
        counts = services.respond_to_series(db.session, current_user, series_id, state, links=event_links())
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(services.describe_series_answer(counts), "success")
    target = url_for("events.show", event_id=back) if back else url_for("events.index")
    return redirect(target + "#rsvp")


@bp.post("/events/<int:event_id>/approachable")
@login_required
def approachable(event_id: int):
    wanted = request.form.get("approachable") == "1"
    try:
        services.set_approachable(db.session, current_user, event_id, wanted)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(
            "Interns going to this event will see you're happy to be approached."
            if wanted
            else "You're no longer marked as happy to be approached here.",
            "success",
        )
    return redirect(url_for("events.show", event_id=event_id) + "#rsvp")
