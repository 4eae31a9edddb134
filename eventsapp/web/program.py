"""The program pages, for coordinators (their departments) and admins (the
whole hospital): the year's funnel, the weekly share of interns with a
mentor, the interns to reach and their nudges, unmet demand, the events that
make introductions, and attendance requirements (docs/program.md)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.attendance.csvexport import to_csv
from eventsapp.audit.models import Action
from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import page_number, show_error
from eventsapp.program import chart, demand, kept, nudges, paging, requirements, services
from eventsapp.program import introducing_events as yields
from eventsapp.program import reach as reach_list
from eventsapp.program.forms import RequirementForm
from eventsapp.timeutil import utcnow
from eventsapp.web.audit import audit
from eventsapp.web.pages import PRIVATE
from eventsapp.web.permissions import program_scope
from eventsapp.web.program_kept import clock, figures

bp = Blueprint("program", __name__, url_prefix="/program")
#: The chart's own policy: matplotlib styles it inline; nothing else may load or run.
SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@bp.app_context_processor
def program_link():
    return {"sees_program": sees_program}


def sees_program() -> bool:
    """For the navigation: admins and coordinators (read with the account)."""
    if not current_user.is_authenticated:
        return False
    if current_user.is_admin:
        return True
    known = g.get("coordinates")  # see web/signedin.py
    return bool(known and known[0] == current_user.id and known[1])


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["APP_TIMEZONE"])


def _year(now):
    config = current_app.config
    return services.current_year(
        now,
        _zone(),
        year_start_setting=config["PROGRAM_YEAR_START"],
        target_months=config["PROGRAM_TARGET_MONTHS"],
        percent=config["PROGRAM_TARGET_PERCENT"],
    )


def _csv(body: str, name: str) -> Response:
    audit(Action.EXPORT, "program figures", name)
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"', **PRIVATE}
    )


@bp.get("/")
@login_required
def index():
    scope, now = program_scope(), utcnow()
    found = figures("overview", scope, now, lambda: services.overview(db.session, scope, _year(now), now))
    names = services.department_names(db.session, scope)
    return render_template(
        "program/index.html", overview=found.value, departments=names, zone=_zone(), as_of=clock(found.as_of)
    )


@bp.get("/weeks.csv")
@login_required
def weeks_csv():
    scope, now = program_scope(), utcnow()
    year = _year(now)
    body = to_csv(services.WEEKS_HEADER, services.weeks_rows(services.weekly(db.session, scope, year, now), _zone()))
    return _csv(body, f"interns-with-a-mentor-{year.first_day.isoformat()}.csv")


@bp.get("/weeks.svg")
@login_required
def weeks_svg():
    scope, now, zone, phone = program_scope(), utcnow(), _zone(), request.args.get("size") == "phone"

    def draw() -> bytes:
        return chart.weeks_svg(
            services.weekly(db.session, scope, _year(now), now),
            title="Interns with a mentor",
            day_label=lambda w: w.last_moment.astimezone(zone).strftime("%-d %b"),
            phone=phone,
        )

    svg = figures("weeks.svg", scope, now, draw, phone).value
    # An image: no script runs in it, and its styles are its own.
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Security-Policy": SVG_POLICY, **PRIVATE})


@bp.get("/reach")
@login_required
def reach():
    scope, now = program_scope(), utcnow()
    found = figures("reach", scope, now, lambda: reach_list.interns_to_reach(db.session, scope, now))
    listing = paging.page_of(found.value, request.args.get("page", 1, type=page_number), reach_list.SHOWN)
    people, names = listing.items, services.department_names(db.session, scope)
    return render_template(
        "program/reach.html",
        as_of=clock(found.as_of),
        people=people,
        result=listing,
        total=listing.total,
        nudged=nudges.last_nudges(db.session, [p.user_id for p in people]),
        quiet_since=now - nudges.QUIET_AFTER_NUDGE,
        labels=reach_list.Reason.LABELS,
        since_words=reach_list.Reason.SINCE,
        departments=names,
        year=_year(now),
        zone=_zone(),
    )


@bp.get("/reach.csv")
@login_required
def reach_csv():
    scope, zone = program_scope(), _zone()
    people = reach_list.interns_to_reach(db.session, scope, utcnow())
    body = to_csv(
        reach_list.REACH_HEADER, reach_list.reach_rows(people, lambda t: t.astimezone(zone).date().isoformat())
    )
    return _csv(body, "interns-to-reach.csv")


@bp.get("/demand")
@login_required
def unmet_demand():
    scope, now = program_scope(), utcnow()
    year = _year(now)
    found = figures("demand", scope, now, lambda: demand.unmet_demand(db.session, scope, start=year.start, now=now))
    names = services.department_names(db.session, scope)
    return render_template(
        "program/demand.html", demand=found.value, departments=names, year=year, as_of=clock(found.as_of)
    )


@bp.get("/demand.csv")
@login_required
def demand_csv():
    scope, now = program_scope(), utcnow()
    figures = demand.unmet_demand(db.session, scope, start=_year(now).start, now=now)
    return _csv(to_csv(demand.DEMAND_HEADER, demand.demand_rows(figures)), "unmet-demand.csv")


def _nudge(intern_ids: list[int]):
    try:
        sent = nudges.send_nudges(
            db.session,
            sender=current_user,
            scope=program_scope(),
            intern_ids=intern_ids,
            now=utcnow(),
            links=nudges.NudgeLinks(site=request.host_url),
        )
    except nudges.NoOneToNudge as error:
        flash(str(error), "error")
        return redirect(url_for("program.reach"))
    kept.forget(program_scope())
    if sent.names:
        audit(Action.GROUP_MESSAGE, "program nudge", f"{len(sent.names)} interns nudged")
        flash(f"Nudged {_names(sent.names)}: a notice and an email with their top suggestions.", "success")
    if sent.recently:
        # An error only when nothing went out: otherwise a note beside the success.
        category = "info" if sent.names else "error"
        flash(f"Not nudged again: {_names(sent.recently)} had a nudge within the last 7 days.", category)
    if sent.more:
        flash(f"{sent.more} more to nudge: send again to reach them.", "info")
    return redirect(url_for("program.reach"))


def _names(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


@bp.post("/reach/<int:user_id>/nudge")
@login_required
def nudge(user_id: int):
    return _nudge([user_id])


@bp.route("/reach/nudge-all", methods=["GET", "POST"])
@login_required
def nudge_all():
    """Asks first (GET), then nudges every intern listed (POST)."""
    scope, now = program_scope(), utcnow()
    people = reach_list.interns_to_reach(db.session, scope, now)
    if request.method == "POST":
        return _nudge([p.user_id for p in people])
    recent = nudges.last_nudges(db.session, [p.user_id for p in people])
    due = [p for p in people if p.user_id not in recent or recent[p.user_id].sent_at <= now - nudges.QUIET_AFTER_NUDGE]
    return render_template(
        "program/nudge_all.html", people=people, due=due, per_send=nudges.NUDGES_PER_SEND, year=_year(now)
    )


def _yields(limit: int | None, scope=None):
    scope, now = scope or program_scope(), utcnow()
    year = _year(now)
    found = [
        ranking(db.session, scope, start=year.start, now=now, limit=limit)
        for ranking in (yields.by_event, yields.by_series)
    ]
    return scope, year, *found


@bp.get("/events")
@login_required
def events():
    """Events and series ranked by the introductions they led to."""
    scope, now = program_scope(), utcnow()
    found = figures("events", scope, now, lambda: _yields(yields.SHOWN, scope))
    _, year, by_event, by_series = found.value
    names = services.department_names(db.session, scope)
    return render_template(
        "program/events.html",
        as_of=clock(found.as_of),
        events=by_event,
        series=by_series,
        shown=yields.SHOWN,
        departments=names,
        year=year,
        zone=_zone(),
    )


@bp.get("/<any(events, series):which>.csv")
@login_required
def events_csv(which: str):
    _, year, by_event, by_series = _yields(None)
    zone, series = _zone(), which == "series"
    header = yields.SERIES_HEADER if series else yields.EVENTS_HEADER
    rows = yields.csv_rows(
        by_series if series else by_event, lambda t: t.astimezone(zone).date().isoformat(), series=series
    )
    return _csv(to_csv(header, rows), f"{which}-that-make-introductions-{year.first_day.isoformat()}.csv")


@bp.route("/attendance", methods=["GET", "POST"])
@login_required
def attendance():
    scope, now = program_scope(), utcnow()
    form = RequirementForm()
    form.offer(requirements.series_choices(db.session, scope))
    if form.validate_on_submit():
        try:
            requirements.set_requirement(db.session, form.series_id.data, form.percent.data, scope)
        except NotFound:
            abort(404)
        except DomainError as exc:
            show_error(form, exc)
        else:
            kept.forget()  # every scope's shares may change
            flash("The attendance requirement is saved.", "success")
            return redirect(url_for("program.attendance"))
    year = _year(now)
    found = figures(
        "attendance",
        scope,
        now,
        lambda: requirements.table(requirements.shares(db.session, scope, since=year.start, now=now)),
        requirements.stamp(db.session),
    )
    names, table = services.department_names(db.session, scope), found.value
    page = render_template(
        "program/attendance.html",
        as_of=clock(found.as_of),
        form=form,
        table=table,
        result=paging.page_of(table.ordered, request.args.get("page", 1, type=page_number), requirements.SHOWN),
        departments=names,
        year=year,
    )
    return page, 422 if form.errors else 200


@bp.get("/attendance.csv")
@login_required
def attendance_csv():
    scope, now = program_scope(), utcnow()
    year = _year(now)
    found = requirements.shares(db.session, scope, since=year.start, now=now)
    body = to_csv(requirements.SHARES_HEADER, requirements.share_rows(found))
    return _csv(body, f"attendance-requirements-{year.first_day.isoformat()}.csv")
