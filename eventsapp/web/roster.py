"""Class rosters, for coordinators (their departments) and admins: upload a
CSV, preview it, import it, follow and resend the invitations; and the
invitation's page, where the invited person chooses a password (docs/roster.md)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.attendance.csvexport import to_csv
from eventsapp.audit.models import Action
from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import parse_id, show_error
from eventsapp.roster import invitations, listing, planning, services
from eventsapp.roster.forms import JoinForm, UploadForm
from eventsapp.timeutil import utcnow
from eventsapp.web.audit import audit
from eventsapp.web.pages import PRIVATE, SECRET_IN_ADDRESS
from eventsapp.web.permissions import program_scope
from eventsapp.web.signedin import sign_in, sign_out

bp = Blueprint("roster", __name__, url_prefix="/roster")
#: New accounts and updates listed on a preview (every error is).
PREVIEW_SHOWN = 1000


def _allowed():
    return program_scope().department_ids


def _filters() -> dict:
    status = request.args.get("status", "")
    return {
        "import_id": parse_id(request.args.get("import")),
        "status": status if status in listing.Status.ALL else None,
    }


@bp.get("/")
@login_required
def index():
    scope, now = program_scope(), utcnow()
    filters = _filters()
    people, total = listing.entries(db.session, scope.department_ids, now=now, limit=listing.SHOWN, **filters)
    uploads = listing.imports_by(db.session, None if scope.whole_hospital else current_user.id)
    page = render_template(
        "roster/index.html",
        form=UploadForm(),
        people=people,
        total=total,
        uploads=uploads,
        filters=filters,
        statuses=listing.Status.LABELS,
        zone=ZoneInfo(current_app.config["APP_TIMEZONE"]),
    )
    return page, 200, PRIVATE  # names and addresses: never kept by a browser or proxy


@bp.get("/people.csv")
@login_required
def people_csv():
    allowed, zone = _allowed(), ZoneInfo(current_app.config["APP_TIMEZONE"])
    people, _ = listing.entries(db.session, allowed, now=utcnow(), **_filters())
    body = to_csv(listing.HEADER, listing.csv_rows(people, lambda t: t.astimezone(zone).date().isoformat()))
    headers = {"Content-Disposition": 'attachment; filename="roster-invitations.csv"', **PRIVATE}
    audit(Action.EXPORT, "roster CSV", f"{len(people)} people")
    return Response(body, mimetype="text/csv", headers=headers)


@bp.post("/imports")
@login_required
def upload():
    program_scope()
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            stored = services.store_upload(
                db.session, uploader_id=current_user.id, filename=file.filename or "", data=file.read(), now=utcnow()
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            return redirect(url_for("roster.preview", import_id=stored.id))
    flash(" ".join(form.file.errors) or "Choose the roster's CSV file.", "error")
    return redirect(url_for("roster.index"))


def _upload(import_id: int):
    """The current user's upload: 404 if it is not theirs; a message if it expired."""
    try:
        return services.pending_upload(db.session, import_id, uploader_id=current_user.id, now=utcnow())
    except NotFound:
        abort(404)
    except services.UploadExpired as exc:
        flash(str(exc), "error")
        abort(redirect(url_for("roster.index")))


@bp.get("/imports/<int:import_id>")
@login_required
def preview(import_id: int):
    allowed, upload = _allowed(), _upload(import_id)
    if upload.data is None:
        return redirect(url_for("roster.index", **{"import": upload.id}))
    shown = services.preview(db.session, upload, allowed)
    page = render_template("roster/preview.html", preview=shown, Action=planning.Action, shown=PREVIEW_SHOWN)
    return page, 200, PRIVATE


@bp.post("/imports/<int:import_id>/import")
@login_required
def run_import(import_id: int):
    allowed, upload = _allowed(), _upload(import_id)
    try:
        done = services.run_import(db.session, upload, actor_id=current_user.id, allowed=allowed, now=utcnow())
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("roster.index"))
    audit(Action.ROSTER_IMPORTED, f"roster import #{upload.id}", f"{done.created} new, {done.updated} updated")
    flash(
        f"Imported: {done.created} new (their invitations go out by email in the next minutes), "
        f"{done.updated} updated"
        + (f" ({done.claims} of them held by an unconfirmed account, now invited instead)" if done.claims else "")
        + f", {done.unchanged} unchanged, "
        f"{done.skipped} left out with errors.",
        "success",
    )
    return redirect(url_for("roster.index", **{"import": upload.id}))


def _resent(sent: int, skipped: int) -> None:
    if sent:
        flash(f"A new invitation goes out to {sent} {'person' if sent == 1 else 'people'}.", "success")
    if skipped:
        flash(f"{skipped} had one less than an hour ago: try again later.", "error" if not sent else "info")
    if not sent and not skipped:
        flash("Nobody is waiting for an invitation here.", "info")


@bp.post("/people/<int:user_id>/resend")
@login_required
def resend(user_id: int):
    allowed = _allowed()
    sent = invitations.resend(
        db.session,
        user_ids=[user_id],
        allowed=allowed,
        sent_by_id=current_user.id,
        now=utcnow(),
    )
    if sent == (0, 0):
        abort(404)
    _resent(*sent)
    return redirect(url_for("roster.index"))


@bp.post("/resend-all")
@login_required
def resend_all():
    allowed, import_id = _allowed(), parse_id(request.form.get("import"))
    sent = invitations.resend(
        db.session,
        user_ids=None,
        allowed=allowed,
        sent_by_id=current_user.id,
        now=utcnow(),
        import_id=import_id,
    )
    _resent(*sent)
    return redirect(url_for("roster.index", **({"import": import_id} if import_id else {})))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """The invitation's page: choose a password, and be signed in."""
    try:
        _, person = invitations.open_invitation(db.session, token, utcnow())
    except DomainError as exc:
        status = 404 if isinstance(exc, NotFound) else 410
        return render_template("roster/join_closed.html", message=str(exc)), status, SECRET_IN_ADDRESS
    form = JoinForm()
    if request.method == "POST" and not current_app.config["PASSWORD_LOGIN"]:
        abort(403)  # SSO only: the page offers the hospital sign-in alone (docs/sso.md)
    if form.validate_on_submit():
        try:
            user = invitations.accept(db.session, token, password=form.password.data, now=utcnow())
        except DomainError as exc:
            show_error(form, exc)
        else:
            if current_user.is_authenticated:
                sign_out()
            sign_in(user)
            flash(f"Welcome, {user.name}. Tell colleagues a little about yourself.", "success")
            return redirect(url_for("profiles.edit"))
    page = render_template("roster/join.html", form=form, person=person)
    # The address holds the secret: it must not travel on in a Referer.
    return page, 422 if form.errors else 200, SECRET_IN_ADDRESS
