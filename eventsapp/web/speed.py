"""The organizer's side of a speed-mentoring evening: its settings and plan,
the rounds, the projector and the printed schedule (docs/speed-mentoring.md).
The event's organizers (and admins) only."""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events import timefmt
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.speed import clock, departures, planning, schedule, settings
from eventsapp.speed.forms import ActionForm, SettingsForm
from eventsapp.timeutil import utcnow
from eventsapp.web.permissions import managed_event

bp = Blueprint("speed", __name__, url_prefix="/events/<int:event_id>/speed")


def _seen(value) -> int | None:
    """The version the page showed, or None for anything else (then the action is refused as stale)."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _page(event, form: SettingsForm | None = None):
    now = utcnow()
    view = schedule.overview(db.session, event.id, now)
    if form is None:
        form = SettingsForm(obj=view.speed, data=None if view.speed else settings.DEFAULTS)
        form.version.data = str(view.speed.version) if view.speed else ""
    return render_template(
        "speed/organizer.html",
        event=event,
        view=view,
        form=form,
        action=ActionForm(),
        clock=clock,
        can_undo=bool(view.speed) and planning.can_undo_start(view.speed),
        **_state(event, view.speed, now),
        **_times(event),
    )


def _state(event, speed, now) -> dict:
    """Whether the evening is history (ended or cancelled: nothing on it
    changes), and the pairs kept once its attendee rows were removed."""
    ended = speed is not None and speed.has_ended(now)
    kept = schedule.kept_pairs(db.session, event.id) if event.ends_at <= now else None  # (purged only after the end)
    return {"ended": ended, "closed": ended or event.is_cancelled, "kept_pairs": kept}


def _times(event) -> dict:
    """Every time of the evening in the event's own zone (the room's clock), named."""
    now = utcnow()
    span = timefmt.format_span(
        event.starts_at, event.ends_at, all_day=event.all_day, event_zone=event.timezone,
        viewer_zone=event.timezone, now=now,
    )  # fmt: skip
    when = f"{span} {timefmt.zone_label(event.timezone, event.starts_at)}"
    return {"zone": ZoneInfo(event.timezone), "zone_name": event.timezone, "when": when}


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
        saved = planning.change_settings(
            db.session, current_user, event_id, form.settings(), _seen(form.version.data), utcnow()
        )
    except settings.Stale as exc:
        flash(str(exc), "error")
        return redirect(url_for("speed.page", event_id=event_id))
    except (NotFound, NotAllowed):
        abort(404)
    except DomainError as exc:
        show_error(form, exc)
        return _page(event, form), 422
    flash(_saved(saved), "success")
    return redirect(url_for("speed.page", event_id=event_id))


def _saved(saved: planning.SettingsSaved) -> str:
    if saved.replanned is not None:
        return f"Settings saved, and the rounds to come re-planned with them. {_planned(saved.replanned)}"
    if saved.not_replanned:
        return f"Settings saved. The rounds to come were not re-planned: {saved.not_replanned}"
    return "Settings saved. Rounds already held stay as they were."


def _act(event_id: int, run, done: str):
    """Run one of the page's buttons: the result, or why not, as a message."""
    managed_event(event_id)  # (CSRFProtect has already checked the token.)
    try:
        result = run(db.session, current_user, event_id, _seen(request.form.get("version")), utcnow())
    except (NotFound, NotAllowed):
        abort(404)
    except DomainError as exc:
        flash(str(exc), "info" if isinstance(exc, planning.AlreadyUnderWay) else "error")
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
    asked = _seen(request.form.get("round"))  # the round the button named
    run = functools.partial(planning.start_next_round, asked=asked)
    return _act(event_id, run, lambda speed: f"Round {speed.current_round} has started.")


@bp.post("/rounds/undo")
@login_required
def undo_round(event_id: int):
    return _act(event_id, planning.undo_start, lambda number: f"The start of round {number} is undone.")


def _person(event_id: int, run, done: str):
    """Mark a participant as gone or back: the page's button names them by id."""
    person = _seen(request.form.get("user_id"))
    return _act(event_id, lambda s, actor, eid, _v, now: run(s, actor, eid, person, now), done)


@bp.post("/left")
@login_required
def left(event_id: int):
    done = "{} has left the evening: re-plan to leave them out of the rounds to come."
    return _person(event_id, departures.mark_left, done.format)


@bp.post("/back")
@login_required
def back(event_id: int):
    done = "{} is back: re-plan to seat them in the rounds to come."
    return _person(event_id, departures.mark_back, done.format)


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
        kept_pairs=schedule.kept_pairs(db.session, event.id),
        **_times(event),
    )
