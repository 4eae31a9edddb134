"""The audit log page for admins, and the helper views use to record (docs/audit.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, render_template, request
from flask_login import current_user

from eventsapp.attendance.csvexport import to_csv
from eventsapp.audit import services
from eventsapp.audit.models import Action
from eventsapp.extensions import db
from eventsapp.forms import page_number
from eventsapp.timeutil import utcnow
from eventsapp.web.pages import PRIVATE
from eventsapp.web.permissions import admin_required

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
PER_PAGE = 50
CSV_HEADER = ["When (UTC)", "Who", "What", "Subject", "Detail", "Address"]


def audit(action: str, subject: str, detail: str = "", *, gone: str | None = None) -> None:
    """Record what the signed-in person just did, from the request's client
    address (ProxyFix has applied the PROXIES setting), and commit it.
    `gone`: the label of a signed-in person whose account was just deleted."""
    services.record(
        db.session,
        actor=None if gone is not None else current_user,
        label=gone,
        action=action,
        subject=subject,
        detail=detail,
        address=request.remote_addr,
        at=utcnow(),
    )
    db.session.commit()


def _day(text: str) -> date | None:
    """A date from the form; none for what is not one, or is out of any log's range."""
    try:
        day = date.fromisoformat(text[:10])
    except ValueError:
        return None
    return day if 1900 <= day.year <= 9000 else None


def _filters(zone: ZoneInfo) -> tuple[services.Filters, dict]:
    """The filters the form asked for; the end date counts whole (hospital time)."""
    start, end = _day(request.args.get("from", "")), _day(request.args.get("to", ""))
    asked = {
        "action": request.args.get("action", "")[:40],
        "person": request.args.get("person", "")[:100].strip(),
        "from": start.isoformat() if start else "",
        "to": end.isoformat() if end else "",
    }
    filters = services.Filters(
        action=asked["action"],
        person=asked["person"],
        start=datetime.combine(start, time(0), zone) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(0), zone) if end else None,
    )
    return filters, asked


@bp.get("/")
@admin_required
def index():
    zone = ZoneInfo(current_app.config["APP_TIMEZONE"])
    filters, asked = _filters(zone)
    page = services.list_entries(
        db.session, filters, page=request.args.get("page", 1, type=page_number), per_page=PER_PAGE
    )
    return render_template("admin/audit.html", page=page, asked=asked, actions=Action.LABELS, zone=zone)


@bp.get("/audit.csv")
@admin_required
def download():
    filters, asked = _filters(ZoneInfo(current_app.config["APP_TIMEZONE"]))
    entries = services.all_entries(db.session, filters)
    rows = [
        [e.at.isoformat(), e.actor_label, Action.LABELS.get(e.action, e.action), e.subject, e.detail, e.address or ""]
        for e in entries
    ]
    shown = ", ".join(f"{k}={v}" for k, v in asked.items() if v) or "all entries"
    audit(Action.EXPORT, "audit log", f"{len(rows)} rows; {shown}")
    return Response(
        to_csv(CSV_HEADER, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"', **PRIVATE},
    )
