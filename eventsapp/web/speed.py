"""The organizer's side of a speed-mentoring evening: its settings and plan,
the rounds, the projector and the printed schedule (docs/speed-mentoring.md).
The event's organizers (and admins) only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.speed import clock, planning, schedule, settings
from eventsapp.speed.forms import ActionForm, SettingsForm
from eventsapp.timeutil import utcnow
from eventsapp.web.permissions import managed_event

bp = Blueprint("speed", __name__, url_prefix="/events/<int:event_id>/speed")


def _seen(value) -> int | None:
    """The version the page showed, or None for anything else (then the action is refused as stale)."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _page(event, form: SettingsForm | None = None):
    view = schedule.overview(db.session, event.id, utcnow())
    if form is None:
        form = SettingsForm(obj=view.speed, data=None if view.speed else settings.DEFAULTS)
        form.version.data = str(view.speed.version) if view.speed else ""
    return render_template(
        "speed/organizer.html", event=event, view=view, form=form, action=ActionForm(), clock=clock, **_times(event)
    )


def _times(event) -> dict:
    return {"zone": ZoneInfo(event.timezone)}


@bp.get("/")
@login_required
def page(event_id: int):
    return _page(managed_event(event_id))


@bp.post("/settings")
@login_required
def save(event_id: int):
    event = managed_event(event_id)
    form = SettingsForm()
    if not form.validate():
        return _page(event, form), 422
    try:
        settings.save_settings(db.session, current_user, event_id, form.settings(), _seen(form.version.data), utcnow())
    except settings.Stale as exc:
        flash(str(exc), "error")
        return redirect(url_for("speed.page", event_id=event_id))
    except (NotFound, NotAllowed):
        abort(404)
    except DomainError as exc:
        show_error(form, exc)
        return _page(event, form), 422
    flash("Settings saved. Rounds already held stay as they were.", "success")
    return redirect(url_for("speed.page", event_id=event_id))


def _act(event_id: int, run, done: str):
    """Run one of the page's buttons: the result, or why not, as a message."""
    managed_event(event_id)  # (CSRFProtect has already checked the token.)
    try:
        result = run(db.session, current_user, event_id, _seen(request.form.get("version")), utcnow())
    except (NotFound, NotAllowed):
        abort(404)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(done if isinstance(done, str) else done(result), "success")
    return redirect(url_for("speed.page", event_id=event_id, _anchor="schedule-heading"))


def _planned(result: planning.Planned) -> str:
    rounds = "every round" if result.first_round == 1 else f"rounds {result.first_round} on"
    return " ".join([f"Planned {rounds}: {result.seats} seats.", *(f"{note}." for note in result.notes)])


@bp.post("/plan")
@login_required
def plan(event_id: int):
    return _act(event_id, planning.plan_evening, _planned)


@bp.post("/rounds")
@login_required
def start_round(event_id: int):
    return _act(event_id, planning.start_next_round, lambda speed: f"Round {speed.current_round} has started.")


@bp.post("/off")
@login_required
def turn_off(event_id: int):
    return _act(event_id, settings.turn_off, "This event is no longer a speed-mentoring evening.")


def _evening(event_id: int):
    event = managed_event(event_id)
    speed = schedule.find(db.session, event.id)
    if speed is None:
        abort(404)
    return event, speed


@bp.get("/screen")
@login_required
def screen(event_id: int):
    event, speed = _evening(event_id)
    shown = schedule.screen(db.session, speed, utcnow())
    return render_template("speed/screen.html", event=event, speed=speed, screen=shown, clock=clock, **_times(event))


@bp.get("/print")
@login_required
def printable(event_id: int):
    event, speed = _evening(event_id)
    rounds = schedule.rounds_of(db.session, speed, utcnow())
    return render_template(
        "speed/print.html",
        event=event,
        speed=speed,
        tables=schedule.per_table(rounds),
        people=schedule.per_person(rounds),
    )
