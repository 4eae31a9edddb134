"""Forgotten passwords: asking for a link, and the link's page that sets a
new one (the rules: accounts/reset.py; docs/accounts.md)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from eventsapp.accounts import reset, throttle
from eventsapp.accounts.forms import ForgotPasswordForm, ResetPasswordForm
from eventsapp.audit.models import Action
from eventsapp.audit.services import subject_of
from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.web.accounts import too_many_attempts
from eventsapp.web.audit import audit
from eventsapp.web.devices import remember_device
from eventsapp.web.pages import SECRET_IN_ADDRESS
from eventsapp.web.signedin import sign_in, sign_out

bp = Blueprint("password_reset", __name__)

#: A stand-in for the token in the link's address, cut off to leave its prefix.
_SLOT = "SLOT"


def _closed():
    """SSO only (docs/sso.md): no passwords, so nothing to reset (a link's
    address holds its token: kept out of caches and Referers)."""
    return render_template("accounts/reset_closed.html"), 403, SECRET_IN_ADDRESS


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.change_password"))
    if not current_app.config["PASSWORD_LOGIN"]:
        return _closed()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # SERVER_NAME fixes the link's host, whatever Host header this request named.
        prefix = url_for("password_reset.choose", token=_SLOT, _external=True)[: -len(_SLOT)]
        try:
            reset.request_link(
                db.session,
                form.email.data,
                link_prefix=prefix,
                login=url_for("accounts.login", _external=True),
                client_address=request.remote_addr,
            )
        except throttle.Limited as limited:
            return too_many_attempts("accounts/forgot.html", form, limited)
        except DomainError as exc:
            show_error(form, exc)
        else:  # the same page whether or not an account uses the address
            return render_template("accounts/forgot.html", form=form, sent=True)
    return render_template("accounts/forgot.html", form=form), 422 if form.errors else 200


def _link_problem(exc: DomainError):
    """The page for a link that cannot be used, and why."""
    expired = isinstance(exc, reset.LinkExpired)
    page = render_template("accounts/reset.html", problem="expired" if expired else "invalid")
    return page, 410 if expired else 404, SECRET_IN_ADDRESS


@bp.get("/reset-password/<token>")
def choose(token: str):
    """The form for the new password: a GET never writes, and mail scanners open every link."""
    if not current_app.config["PASSWORD_LOGIN"]:
        return _closed()
    try:
        link = reset.link_state(db.session, token, now=reset.clock())
    except (NotFound, reset.LinkExpired) as exc:
        return _link_problem(exc)
    return render_template("accounts/reset.html", link=link, form=ResetPasswordForm()), 200, SECRET_IN_ADDRESS


@bp.post("/reset-password/<token>")
def choose_now(token: str):
    """Set the password; this browser is signed in to the link's account, as after a login."""
    if not current_app.config["PASSWORD_LOGIN"]:
        return _closed()
    form, now = ResetPasswordForm(), reset.clock()
    try:
        link = reset.link_state(db.session, token, now=now)
        if not form.validate_on_submit():
            return render_template("accounts/reset.html", link=link, form=form), 422, SECRET_IN_ADDRESS
        user = reset.set_password(db.session, token, form.password.data, now=now)
    except (NotFound, reset.LinkExpired) as exc:  # (or used a moment ago, by another request)
        db.session.rollback()
        return _link_problem(exc)
    except DomainError as exc:
        show_error(form, exc)
        return render_template("accounts/reset.html", link=link, form=form), 422, SECRET_IN_ADDRESS
    if current_user.is_authenticated:
        sign_out()
    sign_in(user)
    audit(Action.RESET_BY_MAIL, subject_of(user), "" if link.confirmed else "address confirmed too")
    flash("Your new password is set, and you are logged in. Every other device is logged out.", "success")
    return remember_device(redirect(url_for("main.home")), user.email)
