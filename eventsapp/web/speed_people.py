"""The participants' side of a speed-mentoring evening: each one's phone
page during the evening, whom they would like to meet again afterwards,
and what came of it for the organizer (docs/speed-mentoring.md)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import parse_id
from eventsapp.speed import evening, followups, notes, results
from eventsapp.speed.links import PageLink
from eventsapp.timeutil import utcnow
from eventsapp.web.links import introduction_links
from eventsapp.web.permissions import managed_event

bp = Blueprint("speed_people", __name__, url_prefix="/events")

#: How often the phone page reloads itself without JavaScript, at most (seconds),
#: from an hour before the event starts until it ends (evening.is_live).
REFRESH_MAX = 20


@bp.get("/<int:event_id>/speed/me")
@login_required
def me(event_id: int):
    now = utcnow()
    try:
        mine = evening.evening_of(db.session, current_user, event_id, now)
    except evening.Cancelled as exc:
        return _cancelled(event_id, str(exc))
    except evening.NotParticipant as exc:
        return _not_taking_part(event_id, str(exc))
    except NotFound:
        abort(404)
    refresh = min(mine.clock.seconds_left + 1, REFRESH_MAX) if mine.clock.counting else REFRESH_MAX
    if not evening.is_live(mine.event, now):
        refresh = None  # no meta refresh, and no data-live-key for speed-live.js to poll
    return render_template(
        "speed/people_me.html", evening=mine, phases=evening.Phase, sides=evening.Side, refresh=refresh
    )


def _not_taking_part(event_id: int, message: str):
    return render_template("speed/people_not_participant.html", event_id=event_id, message=message), 403


def _cancelled(event_id: int, message: str):
    return render_template("speed/people_cancelled.html", event_id=event_id, message=message)


@bp.get("/<int:event_id>/speed/follow-up")
@login_required
def follow_up(event_id: int):
    try:
        page = followups.follow_up(db.session, current_user, event_id, utcnow())
    except evening.Cancelled as exc:
        return _cancelled(event_id, str(exc))
    except evening.NotParticipant as exc:
        return _not_taking_part(event_id, str(exc))
    except followups.Closed as exc:
        return render_template("speed/people_closed.html", event_id=event_id, message=str(exc))
    except NotFound:
        abort(404)
    said = {met.person.id: notes.note(met, page.as_senior) for met in page.met}
    return render_template("speed/people_follow_up.html", page=page, notes=said)


@bp.post("/<int:event_id>/speed/follow-up")
@login_required
def save_follow_up(event_id: int):
    wished = {parse_id(value) for value in request.form.getlist("again")} - {None}
    page = PageLink(
        url_for("speed_people.follow_up", event_id=event_id),
        url_for("speed_people.follow_up", event_id=event_id, _external=True),
    )
    links = followups.Links(introduction_links(), page)
    try:
        said = followups.save_answers(db.session, current_user, event_id, wished, utcnow(), links)
    except evening.Cancelled as exc:
        return _cancelled(event_id, str(exc))
    except evening.NotParticipant as exc:
        return _not_taking_part(event_id, str(exc))
    except NotFound:
        abort(404)
    except DomainError as exc:  # closed, or saved at the same moment from another window
        flash(str(exc), "error")
        return redirect(url_for("speed_people.follow_up", event_id=event_id))
    for words in said or ["Your answers are saved."]:
        flash(words, "success")
    return redirect(url_for("speed_people.follow_up", event_id=event_id))


@bp.get("/<int:event_id>/speed/results")
@login_required
def results_page(event_id: int):
    managed_event(event_id)
    try:
        found = results.results(db.session, event_id, utcnow())
    except NotFound:
        abort(404)
    return render_template("speed/people_results.html", results=found)
