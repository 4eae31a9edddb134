from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from eventsapp.accounts import clientkeys, privacy, services, sessions, sso, throttle, verification
from eventsapp.accounts.forms import ConfirmEmailForm, DeleteAccountForm, LoginForm, PasswordChangeForm, RegisterForm
from eventsapp.accounts.models import User
from eventsapp.accounts.urls import safe_next_path
from eventsapp.audit.models import Action
from eventsapp.audit.services import label_of, subject_of
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.timeutil import utcnow
from eventsapp.web import personal_data
from eventsapp.web.audit import audit
from eventsapp.web.devices import remember_device
from eventsapp.web.links import event_links
from eventsapp.web.pages import PRIVATE, SECRET_IN_ADDRESS
from eventsapp.web.signedin import current_login_id, note_activity, sign_in, sign_out

bp = Blueprint("accounts", __name__)
bp.after_app_request(note_activity)


#: A stand-in for the token in the confirm address, cut off to leave its prefix.
_SLOT = "SLOT"


def account_links() -> verification.AccountLinks:
    """This site's addresses for account mail. With SERVER_NAME set (required
    in production), url_for puts the configured host in them whatever Host
    header the request sent: anyone can send a registration naming a member's
    address, and the mail must not lead that member elsewhere."""
    return verification.AccountLinks(
        confirm_prefix=url_for("accounts.confirm_email", token=_SLOT, _external=True)[: -len(_SLOT)],
        login=url_for("accounts.login", _external=True),
        change_password=url_for("accounts.change_password", _external=True),
    )


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not current_app.config["PASSWORD_LOGIN"]:  # SSO only (docs/sso.md)
        return render_template("accounts/register_closed.html"), 403
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            throttle.registration_attempt(db.session, form.email.data, client_address=request.remote_addr)
            services.register(
                db.session,
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                links=account_links(),
            )
        except throttle.Limited as limited:
            return too_many_attempts("accounts/register.html", form, limited)
        except DomainError as exc:
            show_error(form, exc)
        else:
            # One page, and no cookie, whether or not the address had an
            # account: a new one signs in from its confirm link, with its password.
            return render_template("accounts/check_inbox.html", email=form.email.data.strip())
    return render_template("accounts/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    destination = safe_next_path(form.next.data) or url_for("main.home")
    if current_user.is_authenticated:
        return redirect(destination)
    if request.method == "POST" and not current_app.config["PASSWORD_LOGIN"]:
        form.form_errors.append("Passwords are not used here: sign in with your hospital account.")
        return render_template("accounts/login.html", form=form), 403, {"Referrer-Policy": "no-referrer"}
    if form.validate_on_submit():
        try:
            # Counted before the password is looked at: a refusal says nothing about it.
            attempt = _password_attempt(form.email.data)
        except throttle.Limited as limited:
            return too_many_attempts("accounts/login.html", form, limited)
        user = services.authenticate(db.session, email=form.email.data, password=form.password.data)
        if user is not None:
            attempt.succeeded(db.session)
            sign_in(user, remember=form.remember.data)
            return remember_device(redirect(destination), user.email)
        # One message for "no such account" and "wrong password".
        form.form_errors.append("That email and password don't match an account.")
    # `next` may hold a check-in link with its secret: the login page's address
    # must not travel on in a Referer.
    return (
        render_template("accounts/login.html", form=form),
        422 if form.errors or form.form_errors else 200,
        {"Referrer-Policy": "no-referrer"},
    )


def too_many_attempts(template: str, form, limited: throttle.Limited):
    """The same form again, with what to do, as 429 with Retry-After."""
    form.form_errors.append(str(limited))
    return render_template(template, form=form), 429, {"Retry-After": str(limited.retry_after)}


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the token of every POST.
    sign_out()
    flash("You are logged out.", "info")
    return redirect(url_for("main.home"))


@bp.get("/account/sessions")
@login_required
def signed_in():
    """Where the member is signed in, and the button that ends it all."""
    rows = sessions.sessions_of(db.session, current_user.id, utcnow())
    here = current_login_id()
    listed = [(row, sessions.is_current(row, here)) for row in rows]
    return render_template("accounts/sessions.html", listed=listed, form=FlaskForm()), 200, PRIVATE


@bp.post("/account/sessions/end")
@login_required
def log_out_everywhere():
    sessions.log_out_everywhere(db.session, current_user.id)
    logout_user()
    flash("You are logged out everywhere, on this device too.", "info")
    return redirect(url_for("main.home"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    if not sso.has_password(current_user):  # made by the hospital sign-in: nothing to change here
        return render_template("accounts/password_none.html"), 403 if request.method == "POST" else 200
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user, login_id = current_user._get_current_object(), current_login_id()
        try:
            # Guesses at the current password count as login attempts do.
            attempt = _password_attempt(user.email)
        except throttle.Limited as limited:
            return too_many_attempts("accounts/password.html", form, limited)
        remembered = sessions.is_remembered(db.session, login_id)
        try:
            services.change_password(db.session, user.id, current=form.current.data, new=form.password.data)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            attempt.succeeded(db.session)
            # Every session ended, a copy of this browser's cookie too: this browser starts afresh.
            sign_in(user, remember=remembered)
            flash("Your password is changed. You are logged out everywhere else.", "success")
            return redirect(url_for("accounts.signed_in"))
    return render_template("accounts/password.html", form=form), 422 if form.errors else 200


@bp.get("/account/export.json")
@login_required
def export():
    """All the member's data, as a JSON file."""
    body = json.dumps(personal_data.export_data(db.session, current_user, utcnow()), indent=2, ensure_ascii=False)
    audit(Action.EXPORT, subject_of(current_user), "personal data (JSON)")
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="my-data.json"', **PRIVATE},
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    has_password = sso.has_password(current_user)
    if not has_password:  # made by the hospital sign-in: the box alone confirms
        form.password.validators = ()
    if form.validate_on_submit():
        who, subject = label_of(current_user), subject_of(current_user)
        try:
            privacy.delete_account(db.session, current_user, form.password.data, links=event_links())
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            audit(Action.ACCOUNT_DELETED, subject, "deleted by its owner", gone=who)
            logout_user()
            flash("Your account is deleted. Thank you for taking part.", "info")
            return redirect(url_for("main.home"))
    return render_template("accounts/delete.html", form=form, has_password=has_password), 422 if form.errors else 200


def _link_problem(exc: DomainError):
    """The page for a confirm link that cannot be used, and why."""
    if isinstance(exc, verification.LinkExpired):
        problem, status = "expired", 410
    elif isinstance(exc, NotAllowed):
        problem, status = "other_account", 403
    else:
        problem, status = "invalid", 404
    return render_template("accounts/confirm.html", problem=problem), status, SECRET_IN_ADDRESS


def _viewer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _confirm_form(state: verification.LinkState) -> ConfirmEmailForm:
    """The confirm button; it asks for the password unless its account is signed in."""
    form = ConfirmEmailForm()
    if _viewer_id() == state.user_id:
        form.password.validators = ()
    return form


def _confirm_page(state, token: str, form, status: int = 200, headers: dict | None = None):
    page = render_template("accounts/confirm.html", state=state, token=token, form=form)
    return page, status, {**SECRET_IN_ADDRESS, **(headers or {})}


@bp.get("/account/confirm/<token>")
def confirm_email(token: str):
    """What the link confirms, and the button that does it: a GET never
    writes, and mail scanners open every link."""
    try:
        state = verification.link_state(db.session, token, viewer_id=_viewer_id(), now=verification.clock())
    except (NotFound, NotAllowed, verification.LinkExpired) as exc:
        return _link_problem(exc)
    return _confirm_page(state, token, _confirm_form(state))


@bp.post("/account/confirm/<token>")
def confirm_email_now(token: str):
    """Confirm; logged out, with the account's password (counted as login
    attempts are), and then this browser is signed in as after a login."""
    viewer, now = _viewer_id(), verification.clock()
    try:
        state = verification.link_state(db.session, token, viewer_id=viewer, now=now)
    except (NotFound, NotAllowed, verification.LinkExpired) as exc:
        return _link_problem(exc)
    form = _confirm_form(state)
    if not form.validate_on_submit():
        return _confirm_page(state, token, form, 422)
    try:
        attempt = _password_attempt(state.email) if viewer is None else None
        verification.confirm(db.session, token, viewer_id=viewer, now=now, password=form.password.data)
    except throttle.Limited as limited:
        form.form_errors.append(str(limited))
        return _confirm_page(state, token, form, 429, {"Retry-After": str(limited.retry_after)})
    except verification.WrongPassword as exc:
        show_error(form, exc)
        return _confirm_page(state, token, form, 422)
    if state.confirmed:
        flash("Your email address was already confirmed.", "info")
    else:
        flash("Thank you: your email address is confirmed.", "success")
    if viewer is not None:
        return redirect(url_for("main.home"))
    attempt.succeeded(db.session)
    sign_in(db.session.get(User, state.user_id))
    return remember_device(redirect(url_for("main.home")), state.email)


def _password_attempt(email: str) -> throttle.Attempt:
    """A guess at an account's password, counted against the login limits."""
    return throttle.login_attempt(
        db.session,
        email,
        client_address=request.remote_addr,
        device_cookie=request.cookies.get(clientkeys.DEVICE_COOKIE),
    )


@bp.post("/account/confirm/resend")
@login_required
def resend_confirmation():
    try:
        verification.resend(db.session, current_user.id, account_links())
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(f"A new link is on its way to {current_user.email}. It may take a minute to arrive.", "success")
    return redirect(safe_next_path(request.form.get("back")) or url_for("main.home"))
