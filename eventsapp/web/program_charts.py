"""The program pages' charts, as SVG images, and the funnel's download:
routes of the program blueprint (web/program.py), in a module of their own
so that each stays short. Every chart's numbers are in its page's table
and CSV (docs/program.md, "Charts"). `?size=phone` draws a chart narrower,
its words as large, for the pages' small-screen source."""

from __future__ import annotations

from flask import Response, request
from flask_login import login_required

from eventsapp.attendance.csvexport import to_csv
from eventsapp.extensions import db
from eventsapp.program import bars, demand, funnel, pictures, requirements
from eventsapp.program import introducing_events as yields
from eventsapp.timeutil import utcnow
from eventsapp.web.pages import PRIVATE
from eventsapp.web.permissions import program_scope
from eventsapp.web.program import SVG_POLICY, _csv, _year, _zone, bp
from eventsapp.web.program_kept import figures


@bp.context_processor
def chart_sizes():
    """For the templates: an image's size in pixels before it loads (100 per inch)."""

    def chart_height(kind: str, count: int, phone: bool = False) -> int:
        return round(100 * bars.inches(kind, count, bars.PHONE if phone else bars.WIDE))

    return {
        "chart_height": chart_height,
        "chart_width": round(100 * bars.WIDE.width),
        "phone_chart_width": round(100 * bars.PHONE.width),
        "events_drawn": pictures.EVENTS_DRAWN,
        "specialties_drawn": pictures.SPECIALTIES_DRAWN,
    }


def _size() -> bars.Size:
    return bars.PHONE if request.args.get("size") == "phone" else bars.WIDE


def _drawn(name: str, draw, *params) -> Response:
    """A chart of the viewer's scope, drawn from figures kept as the pages'
    are (program/kept.py), for this size."""
    scope, now = program_scope(), utcnow()
    return _svg(figures(name, scope, now, lambda: draw(scope, now), _size() is bars.PHONE, *params).value)


def _svg(body: bytes) -> Response:
    # An image: no script runs in it, and its styles are its own.
    return Response(body, mimetype="image/svg+xml", headers={"Content-Security-Policy": SVG_POLICY, **PRIVATE})


def _steps(scope, now):
    year = _year(now)
    return year, funnel.funnel(db.session, scope, start=year.start, now=now)


@bp.get("/funnel.svg")
@login_required
def funnel_svg():
    return _drawn("funnel.svg", lambda scope, now: pictures.funnel_svg(_steps(scope, now)[1], _size()))


@bp.get("/funnel.csv")
@login_required
def funnel_csv():
    year, steps = _steps(program_scope(), utcnow())
    body = to_csv(pictures.FUNNEL_HEADER, pictures.funnel_rows(steps))
    return _csv(body, f"interns-funnel-{year.first_day.isoformat()}.csv")


@bp.get("/demand.svg")
@login_required
def demand_svg():
    def draw(scope, now) -> bytes:
        found = demand.unmet_demand(db.session, scope, start=_year(now).start, now=now)
        return pictures.demand_svg(found, _size())

    return _drawn("demand.svg", draw)


@bp.get("/events.svg")
@login_required
def events_svg():
    def draw(scope, now) -> bytes:
        ranked = yields.by_event(db.session, scope, start=_year(now).start, now=now, limit=pictures.EVENTS_DRAWN)
        return pictures.events_svg(ranked, lambda t: t.astimezone(_zone()).strftime("%a %-d %b"), _size())

    return _drawn("events.svg", draw)


@bp.get("/attendance.svg")
@login_required
def attendance_svg():
    def draw(scope, now) -> bytes:
        shares = requirements.shares(db.session, scope, since=_year(now).start, now=now)
        return pictures.attendance_svg(shares, _size())

    return _drawn("attendance.svg", draw, requirements.stamp(db.session))
