from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.attendance import organizing, qr, services
from eventsapp.audit.models import Action
from eventsapp.errors import DomainError, NotFound
from eventsapp.events import listing
from eventsapp.events import services as events
from eventsapp.extensions import db
from eventsapp.forms import page_number, parse_id
from eventsapp.notifications import messages
from eventsapp.notifications.models import Audience
from eventsapp.timeutil import utcnow
from eventsapp.web.audit import audit
from eventsapp.web.links import event_links
from eventsapp.web.pages import PRIVATE, SECRET_IN_ADDRESS
from eventsapp.web.permissions import managed_event, organizer_required

bp = Blueprint("attendance", __name__, url_prefix="/events")


@bp.get("/<int:event_id>/attendees")
@login_required
def sheet(event_id: int):
    event = managed_event(event_id)
    return _sheet_page(event, request.args.get("q", "")[:100], messages.Draft(Audience.GOING, "", ""))


def _sheet_page(event, query: str, draft: messages.Draft, error: str = ""):
    return render_template(
        "attendance/sheet.html",
        event=event,
        sheet=services.attendee_sheet(db.session, event),
        query=query,
        matches=services.find_members(db.session, query),
        phase=services.phase(event, utcnow()),
        phases=services.Phase,
        opens=services.window(event)[0],
        draft=draft,
        message_error=error,
        audiences=Audience,
        audience_sizes=messages.audience_sizes(db.session, event.id, current_user.id),
        sent_messages=messages.sent_messages(db.session, event.id),
        limits={"subject": messages.SUBJECT_MAX, "body": messages.BODY_MAX},
    )


@bp.post("/<int:event_id>/messages")
@login_required
def write_to_members(event_id: int):
    event = managed_event(event_id)
    draft = messages.Draft(*(request.form.get(name, "") for name in ("audience", "subject", "body")))
    try:
        record = messages.send_message(
            db.session,
            current_user,
            event_id,
            draft,
            links=event_links(),
            now=utcnow(),
            limit=current_app.config["EVENT_MESSAGES_PER_DAY"],
            zone=ZoneInfo(listing.viewer_zone(current_user)),
        )
    except NotFound:
        abort(404)
    except DomainError as exc:
        return _sheet_page(event, "", draft, str(exc)), 422
    people = "person" if record.recipients == 1 else "people"
    audit(Action.GROUP_MESSAGE, f"event #{event_id}", f"to {record.recipients} {people} ({draft.audience})")
    flash(f"Message sent to {record.recipients} {people}.", "success")
    return redirect(url_for("attendance.sheet", event_id=event_id, _anchor="messages-heading"))


@bp.post("/<int:event_id>/check-ins")
@login_required
def check_in(event_id: int):
    managed_event(event_id)
    user_id = parse_id(request.form.get("user_id"))
    try:
        if request.form.get("user_id") and user_id is None:
            raise NotFound("No such member.")
        if user_id:
            services.check_in_member(db.session, current_user, event_id, user_id)
        else:
            services.check_in_guest(db.session, current_user, event_id, request.form.get("guest_name", ""))
    except services.AlreadyCheckedIn as exc:
        flash(str(exc), "info")
    except (DomainError, NotFound) as exc:
        flash(str(exc), "error")
    else:
        audit(
            Action.CHECK_IN, f"event #{event_id}", f"checked in member #{user_id}" if user_id else "checked in a guest"
        )
        flash("Checked in.", "success")
    return redirect(url_for("attendance.sheet", event_id=event_id))


@bp.get("/<int:event_id>/attendees.csv")
@login_required
def export(event_id: int):
    event = managed_event(event_id)
    body = services.sheet_csv(services.attendee_sheet(db.session, event), listing.viewer_zone(current_user))
    audit(Action.EXPORT, f"event #{event.id}", "attendance CSV")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="attendees-event-{event.id}.csv"', **PRIVATE},
    )


@bp.get("/<int:event_id>/qr")
@login_required
def qr_page(event_id: int):
    event = managed_event(event_id)
    opens, closes = services.window(event)
    phase = services.phase(event, utcnow())
    if phase in (services.Phase.OVER, services.Phase.CANCELLED):  # no code that could not work
        return render_template("attendance/qr.html", event=event, phase=phase, closes=closes, svg=None)
    url = url_for("attendance.scan", event_id=event.id, secret=event.checkin_secret, _external=True)
    # The page shows the check-in secret: no shared cache and no back-button copy keep it.
    return render_template(
        "attendance/qr.html", event=event, url=url, svg=qr.qr_svg(url), phase=phase, opens=opens, closes=closes
    ), PRIVATE


@bp.get("/organizing")
@organizer_required
def organized():
    scope = organizing.PAST if request.args.get("scope") == organizing.PAST else organizing.UPCOMING
    result = organizing.organized_events(
        db.session,
        current_user.id,
        utcnow(),
        scope=scope,
        page=request.args.get("page", 1, type=page_number),
        per_page=current_app.config["EVENTS_PER_PAGE"],
    )
    return render_template("attendance/organizing.html", result=result, scope=scope, scopes=organizing.SCOPES)


@bp.route("/<int:event_id>/check-in/<secret>", methods=["GET", "POST"])
@login_required
def scan(event_id: int, secret: str):
    try:
        event = events.get_event(db.session, event_id)
    except NotFound:
        abort(404)
    if not services.secret_matches(event, secret):
        abort(404)
    if request.method == "POST":
        try:
            services.self_check_in(db.session, current_user, event_id, secret)
        except services.AlreadyCheckedIn as exc:
            flash(str(exc), "info")
        except DomainError as exc:
            flash(str(exc), "error")
            return redirect(url_for("attendance.scan", event_id=event_id, secret=secret))
        else:
            flash("You're checked in. Enjoy the event!", "success")
        return redirect(url_for("events.show", event_id=event_id))
    # The secret is in this page's address: no cache keeps it, no Referer repeats it.
    return render_template("attendance/scan.html", event=event, secret=secret), SECRET_IN_ADDRESS
