"""Your events' attendance: organizers' figures for the events they organize
this academic year (admins: every event), a chart per series, and a CSV
(docs/program.md)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask_login import current_user

from eventsapp.attendance.csvexport import to_csv
from eventsapp.audit.models import Action
from eventsapp.events.models import Series
from eventsapp.extensions import db
from eventsapp.program import chart, organized, services
from eventsapp.program.year import add_months
from eventsapp.timeutil import utcnow
from eventsapp.web.audit import audit
from eventsapp.web.pages import PRIVATE
from eventsapp.web.permissions import organizer_required
from eventsapp.web.program import SVG_POLICY

bp = Blueprint("analytics", __name__, url_prefix="/events")


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def _figures(series_id: int | None = None):
    """The year under way and the viewer's groups of events in it."""
    config, now, zone = current_app.config, utcnow(), _zone()
    year = services.current_year(
        now,
        zone,
        year_start_setting=config["PROGRAM_YEAR_START"],
        target_months=config["PROGRAM_TARGET_MONTHS"],
        percent=config["PROGRAM_TARGET_PERCENT"],
    )
    end = datetime.combine(add_months(year.first_day, 12), time(0), zone).astimezone(UTC)
    viewer = None if current_user.is_admin else current_user.id
    groups = organized.organized_figures(
        db.session, viewer_id=viewer, start=year.start, end=end, now=now, series_id=series_id
    )
    return year, groups


@bp.get("/analytics")
@organizer_required
def index():
    year, groups = _figures()
    return render_template("program/organized.html", year=year, groups=groups, zone=_zone())


@bp.get("/analytics.csv")
@organizer_required
def figures_csv():
    year, groups = _figures()
    zone = _zone()
    body = to_csv(organized.CSV_HEADER, organized.csv_rows(groups, lambda t: t.astimezone(zone).date().isoformat()))
    name = f"events-attendance-{year.first_day.isoformat()}.csv"
    audit(Action.EXPORT, "attendance figures", name)
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE}
    )


@bp.get("/analytics/series/<int:series_id>.svg")
@organizer_required
def series_svg(series_id: int):
    if db.session.get(Series, series_id) is None:
        abort(404)
    if not current_user.is_admin and not organized.organizes_series(db.session, current_user.id, series_id):
        abort(403)
    _, groups = _figures(series_id)
    meetings = groups[0].meetings if groups else []
    zone = _zone()
    svg = chart.series_svg(
        [m.starts_at.astimezone(zone).strftime("%-d %b") for m in meetings],
        [0 if m.cancelled else m.going for m in meetings],
        [m.checked_in if m.held else None for m in meetings],
        [m.show_rate for m in meetings],
        title=groups[0].title if groups else "No meetings this year",
        phone=request.args.get("size") == "phone",
    )
    # An image: no script runs in it, and its styles are its own.
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": SVG_POLICY, **PRIVATE})
