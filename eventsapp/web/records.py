"""A member's attendance record: the events they were checked in at, by
academic year, their share of the series a program requires, and a
certificate of attendance for each event (docs/program.md)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, render_template
from flask_login import current_user, login_required

from eventsapp.attendance import certificate, certificates, records
from eventsapp.errors import NotFound
from eventsapp.extensions import db
from eventsapp.program import services as program
from eventsapp.program.year import parse_month_day, year_start
from eventsapp.timeutil import utcnow
from eventsapp.web.pages import PRIVATE, render_error

bp = Blueprint("records", __name__, url_prefix="/attendance")


def _year_of():
    """The first day of the academic year each event fell in (the hospital's calendar)."""
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    month, day = parse_month_day(current_app.config["PROGRAM_YEAR_START"])
    return lambda event: year_start(event.starts_at.astimezone(zone).date(), month, day)


@bp.get("/")
@login_required
def mine():
    config, now = current_app.config, utcnow()
    year = program.current_year(
        now,
        ZoneInfo(config["APP_TIMEZONE"]),
        year_start_setting=config["PROGRAM_YEAR_START"],
        target_months=config["PROGRAM_TARGET_MONTHS"],
        percent=config["PROGRAM_TARGET_PERCENT"],
    )
    people = records.required_of(user_id=current_user.id)
    shares = records.shares(db.session, people, since=year.start, now=now)
    years = records.attended(db.session, current_user.id, _year_of())
    return render_template("attendance/mine.html", years=years, shares=shares, year=year), PRIVATE


@bp.get("/<int:event_id>/certificate.pdf")
@login_required
def certificate_pdf(event_id: int):
    try:
        event, check_in = records.certificate_of(db.session, current_user.id, event_id)
    except records.RecordsRemoved as exc:
        return render_error(404, "Certificate no longer available", str(exc))
    except NotFound:
        abort(404)
    made = certificates.certificate(
        event,
        check_in,
        name=current_user.name,
        issuer=current_app.config["APP_NAME"],
        key=str(current_app.config["SECRET_KEY"]).encode(),
    )
    name = f"certificate-of-attendance-{event.starts_at:%Y-%m-%d}-{event.id}.pdf"
    return Response(
        certificate.build(made),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE},
    )
