from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required

from eventsapp.errors import NotFound
from eventsapp.events import services as events
from eventsapp.events.models import EventKind
from eventsapp.extensions import db
from eventsapp.forms import parse_id
from eventsapp.ical import export, public, services
from eventsapp.profiles.models import Department, Specialty
from eventsapp.timeutil import utcnow
from eventsapp.web.links import calendar_links, mentorship_links

bp = Blueprint("ical", __name__)


def calendar_response(
    export_: export.Export, *, private: bool, filename: str | None = None, max_age: int = 900
) -> Response:
    """text/calendar with a strong ETag, Last-Modified and 304s, so clients poll cheaply."""
    response = Response(export_.body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.set_etag(export_.etag)
    response.last_modified = export_.last_modified
    response.headers["Cache-Control"] = f"{'private' if private else 'public'}, max-age={max_age}, must-revalidate"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        # The URL is the credential: never pass it on in a Referer.
        response.headers["Referrer-Policy"] = "no-referrer"
    response = response.make_conditional(request)
    # make_conditional dates the response, and the server (gunicorn) adds
    # its own Date: clients then got two.
    del response.headers["Date"]
    return response


@bp.get("/events/<int:event_id>.ics")
def event_file(event_id: int):
    try:
        event = events.get_event(db.session, event_id)
    except NotFound:
        abort(404)
    # Checked on every download: a copy the browser kept could carry an
    # older SEQUENCE than the mail the member got since.
    return calendar_response(
        export.single_event(event, calendar_links()), private=False, filename=f"event-{event.id}.ics", max_age=0
    )


def _public_filters() -> public.PublicFilters:
    """The event list's filters; unknown values are a 400 with a plain message."""
    kind = request.args.get("kind") or None
    if kind is not None and kind not in EventKind.ALL:
        abort(Response(f"Unknown kind; use one of: {', '.join(EventKind.ALL)}.\n", 400, mimetype="text/plain"))
    ids = {}
    for name, model in (("specialty", Specialty), ("department", Department)):
        value = request.args.get(name) or None
        number = parse_id(value)
        if value is not None and (number is None or db.session.get(model, number) is None):
            abort(
                Response(f"Unknown {name}: use the number from the event list's filter.\n", 400, mimetype="text/plain")
            )
        ids[name] = number
    return public.PublicFilters(kind, ids["specialty"], ids["department"])


@bp.get("/calendar/events.ics")
def public_feed():
    filters = _public_filters()
    name = current_app.config["APP_NAME"] + " events"
    return calendar_response(public.public_feed(db.session, filters, calendar_links(), utcnow(), name), private=False)


@bp.get("/calendar/<token>.ics")
def personal_feed(token: str):
    owner = services.owner_of(db.session, token)
    if owner is None:
        abort(404)
    name = f"{current_app.config['APP_NAME']}: {owner.name}"
    feed = export.personal_feed(db.session, owner.id, calendar_links(), utcnow(), name, mentorship_links(external=True))
    return calendar_response(feed, private=True)


@bp.post("/calendar/feed")
@login_required
def rotate():
    had_one = services.feed_of(db.session, current_user.id) is not None
    services.create_or_rotate(db.session, current_user)
    flash(
        "Your new calendar link is ready. The old one no longer works: update it in your calendar app."
        if had_one
        else "Your calendar link is ready. Add it to your calendar app below.",
        "success",
    )
    return redirect(url_for("profiles.show", user_id=current_user.id) + "#calendar")
