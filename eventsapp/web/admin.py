from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventsapp.accounts import privacy
from eventsapp.accounts import services as accounts
from eventsapp.accounts.models import Role, User
from eventsapp.accounts.urls import safe_next_path
from eventsapp.admin import services
from eventsapp.admin.forms import NEW_CATEGORY, CoordinatorForm, EntryForm, RemoveAccountForm, RoleForm, entry_form
from eventsapp.audit.models import Action
from eventsapp.audit.services import subject_of
from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import page_number, show_error
from eventsapp.notifications import undelivered
from eventsapp.program import coordinators
from eventsapp.timeutil import utcnow
from eventsapp.web.audit import audit
from eventsapp.web.links import event_links
from eventsapp.web.permissions import admin_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@admin_required
def index():
    return redirect(url_for("admin.people"))


@bp.get("/people")
@admin_required
def people():
    query = request.args.get("q", "")[:100]
    role = request.args.get("role", "")
    page = request.args.get("page", 1, type=page_number)
    result = services.list_people(
        db.session, query=query, role=role, page=page, per_page=current_app.config["USERS_PER_PAGE"]
    )
    shown = render_template(
        "admin/people.html", result=result, query=query, role=role, roles=Role.LABELS, form=RoleForm()
    )
    # The page shows email addresses: the look-up is recorded (the one write a GET
    # may make), once rendered: a commit before would expire the rows it shows.
    audit(Action.PEOPLE_LOOKUP, "people and roles", f"search {query!r}, role {role or 'any'}, page {page}")
    return shown


@bp.post("/people/<int:user_id>/role")
@admin_required
def set_role(user_id: int):
    form = RoleForm()
    form.validate_on_submit()
    try:
        user = accounts.set_role(db.session, actor=current_user, user_id=user_id, role=form.role.data)
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        audit(Action.ROLE_CHANGED, subject_of(user), f"now {user.role_label.lower()}")
        flash(f"{user.name} is now {user.role_label.lower()}.", "success")
    return redirect(safe_next_path(request.form.get("back")) or url_for("admin.people"))


@bp.route("/people/<int:user_id>/remove", methods=["GET", "POST"])
@admin_required
def remove_person(user_id: int):
    """Remove someone's account (as if they deleted it): their sessions end at once."""
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    form = RemoveAccountForm()
    if form.validate_on_submit():
        try:
            name = privacy.remove_account(db.session, actor=current_user, user_id=user_id, links=event_links())
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            audit(Action.ACCOUNT_DELETED, f"{name} (#{user_id})", "removed by an admin")
            flash(f"{name}'s account is removed; they are logged out everywhere.", "success")
            return redirect(url_for("admin.people"))
    return render_template("admin/remove.html", person=person, form=form), 422 if form.errors else 200


@bp.get("/mail")
@admin_required
def mail():
    mails = undelivered.undelivered(db.session, utcnow())
    return render_template("admin/mail.html", mails=mails, long_pending=undelivered.LONG_PENDING)


@bp.post("/mail/<int:mail_id>/retry")
@admin_required
def retry_mail(mail_id: int):
    if not undelivered.retry(db.session, mail_id, utcnow()):
        abort(404)
    flash("The mail will be tried again within a minute.", "success")
    return redirect(url_for("admin.mail"))


@bp.route("/coordinators", methods=["GET", "POST"])
@admin_required
def coordinators_page():
    form = CoordinatorForm()
    form.department_ids.choices = [
        (d.id, d.name) for d, _ in services.list_entries(db.session, services.CATALOGUES["departments"])
    ]
    if form.validate_on_submit():
        try:
            user = coordinators.grant(
                db.session, actor=current_user, email=form.email.data, department_ids=form.department_ids.data or []
            )
        except DomainError as exc:
            show_error(form, exc)
        else:
            audit(Action.COORDINATOR_GRANTED, subject_of(user))
            flash(f"{user.name} coordinates the program.", "success")
            return redirect(url_for("admin.coordinators_page"))
    grants = coordinators.list_grants(db.session)
    return render_template("admin/coordinators.html", form=form, grants=grants), 422 if form.errors else 200


@bp.post("/coordinators/<int:user_id>/revoke")
@admin_required
def revoke_coordinator(user_id: int):
    try:
        user = coordinators.revoke(db.session, actor=current_user, user_id=user_id)
    except NotFound:
        abort(404)
    audit(Action.COORDINATOR_REVOKED, subject_of(user))
    flash(f"{user.name} no longer sees the program pages.", "success")
    return redirect(url_for("admin.coordinators_page"))


def _catalogue(key: str) -> services.Catalogue:
    catalogue = services.CATALOGUES.get(key)
    if catalogue is None:
        abort(404)
    return catalogue


def _categories(catalogue: services.Catalogue) -> list[str]:
    return services.categories(db.session) if catalogue.has_category else []


@bp.route("/<key>", methods=["GET", "POST"])
@admin_required
def catalogue(key: str):
    catalogue = _catalogue(key)
    categories = _categories(catalogue)
    form = entry_form(categories)
    if form.validate_on_submit():
        try:
            entry = services.save_entry(db.session, catalogue, name=form.name.data, **form.category_choice())
        except DomainError as exc:
            show_error(form, exc)
        else:
            flash(f"Added {entry.name}.", "success")
            return redirect(url_for("admin.catalogue", key=key))
    entries = services.list_entries(db.session, catalogue)
    return render_template(
        "admin/catalogue.html",
        catalogue=catalogue,
        entries=entries,
        form=form,
        categories=categories,
        new_category=NEW_CATEGORY,
    ), 422 if form.errors else 200


@bp.post("/<key>/<int:entry_id>")
@admin_required
def rename(key: str, entry_id: int):
    catalogue = _catalogue(key)
    form = EntryForm()  # (its category list is for showing; the service checks the category)
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("admin.catalogue", key=key))
    try:
        entry = services.save_entry(
            db.session, catalogue, name=form.name.data, **form.category_choice(), entry_id=entry_id
        )
    except NotFound:
        abort(404)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(f"Saved {entry.name}.", "success")
    return redirect(url_for("admin.catalogue", key=key))


@bp.post("/<key>/<int:entry_id>/active")
@admin_required
def set_active(key: str, entry_id: int):
    catalogue = _catalogue(key)
    active = request.form.get("active") == "1"
    try:
        entry = services.set_active(db.session, catalogue, entry_id, active)
    except NotFound:
        abort(404)
    flash(f"{entry.name} is {'offered again' if active else 'retired: no longer offered'}.", "success")
    return redirect(url_for("admin.catalogue", key=key))
