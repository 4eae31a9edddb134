"""Sign in with the hospital account: OpenID Connect's authorization code
flow with PKCE, state and nonce, through Authlib (docs/sso.md). The
provider's ID token is checked by Authlib (signature against the provider's
published keys, issuer, audience, expiry, nonce); accounts/sso.py decides
whose account it is. A provider that does not answer is a message, never a 500."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.oidc.core import CodeIDToken
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from joserfc.errors import JoseError
from requests import RequestException

from eventsapp.accounts import sso
from eventsapp.accounts.urls import safe_next_path
from eventsapp.errors import DomainError
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.profiles import first_details
from eventsapp.ssoconfig import sso_enabled
from eventsapp.timeutil import utcnow
from eventsapp.web.devices import remember_device
from eventsapp.web.signedin import sign_in

bp = Blueprint("sso", __name__)
log = logging.getLogger(__name__)

PROVIDER_DOWN = "The hospital sign-in is not answering; try again or use your password."
PROVIDER_DOWN_SSO_ONLY = "The hospital sign-in is not answering; try again in a few minutes."
REFUSED = "The hospital sign-in could not be completed, so you are not signed in. Try again."
_NEXT = "sso_next"
#: The pages that show the hospital sign-in's button.
SIGN_IN_PAGES = ("accounts.login", "roster.join")


def init_app(app) -> None:
    """Register the provider with Authlib when OIDC_ISSUER is set. Its
    discovery document is fetched at the first sign-in, not at start."""
    if not sso_enabled(app.config):
        return
    issuer = app.config["OIDC_ISSUER"]
    OAuth(app).register(
        "hospital",
        client_id=app.config["OIDC_CLIENT_ID"],
        client_secret=app.config["OIDC_CLIENT_SECRET"],
        server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            "default_timeout": app.config["OIDC_TIMEOUT"],
        },
    )


@bp.after_app_request
def _login_form_may_lead_to_the_provider(response):
    """The sign-in button (on the login page and an invitation's) posts here
    and is redirected on to the provider, which form-action governs too:
    allow the issuer's origin on those pages."""
    policy = response.headers.get("Content-Security-Policy", "")
    if request.endpoint in SIGN_IN_PAGES and sso_enabled(current_app.config) and "form-action 'self'" in policy:
        issuer = urlsplit(current_app.config["OIDC_ISSUER"])
        origin = f"{issuer.scheme}://{issuer.netloc}"
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self'", f"form-action 'self' {origin}"
        )
    return response


def _client():
    if not sso_enabled(current_app.config):
        abort(404)
    return current_app.extensions["authlib.integrations.flask_client"].hospital


class _IdToken(CodeIDToken):
    """The ID token's checks, on this app's clock (tests pin it)."""

    def validate(self, now=None, leeway=0):
        super().validate(now=int(utcnow().timestamp()) if now is None else now, leeway=leeway)


def _down_message() -> str:
    return PROVIDER_DOWN if current_app.config["PASSWORD_LOGIN"] else PROVIDER_DOWN_SSO_ONLY


@bp.post("/login/sso")
def start():
    """Send the browser to the provider (CSRFProtect checked the token)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    if not sso_enabled(current_app.config):  # a page from before the setting changed
        flash("The hospital sign-in is not set up on this site; log in with your password.", "error")
        return redirect(url_for("accounts.login"))
    client = _client()
    session[_NEXT] = safe_next_path(request.form.get("next", "")) or ""
    try:
        return client.authorize_redirect(url_for("sso.callback", _external=True))
    except (RequestException, ValueError, KeyError) as exc:
        log.warning("OpenID provider unreachable at discovery: %s", exc.__class__.__name__)
        flash(_down_message(), "error")
        return redirect(url_for("accounts.login"))


@bp.get("/login/sso/callback")
def callback():
    """Where the provider sends the browser back. A GET (the provider
    redirects here), it writes only once state, code, PKCE and the ID token
    have been checked: the sign-in it completes."""
    client = _client()
    issuer = current_app.config["OIDC_ISSUER"]
    try:
        token = client.authorize_access_token(
            claims_cls=_IdToken, claims_options={"iss": {"essential": True, "value": issuer}}
        )
        claims = _claims_of(client, token, issuer)
        signed_in = sso.identify(db.session, claims)
    except RequestException as exc:
        log.warning("OpenID provider unreachable at sign-in: %s", exc.__class__.__name__)
        flash(_down_message(), "error")
        return redirect(url_for("accounts.login"))
    except (AuthlibBaseError, JoseError, KeyError, TypeError, ValueError) as exc:
        log.warning("OpenID sign-in refused: %s: %s", exc.__class__.__name__, exc)
        db.session.rollback()
        flash(REFUSED, "error")
        return redirect(url_for("accounts.login"))
    except DomainError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("accounts.login"))
    sign_in(signed_in.user)
    destination = url_for("sso.welcome") if signed_in.created else (session.pop(_NEXT, "") or url_for("main.home"))
    return remember_device(redirect(destination), signed_in.user.email)


def _claims_of(client, token, issuer: str) -> sso.ProviderClaims:
    """The ID token's claims, with the email from userinfo when the provider
    keeps it out of the ID token (its subject must be the same)."""
    claims = dict(token["userinfo"])
    if "email" not in claims and "userinfo_endpoint" in client.load_server_metadata():
        more = client.userinfo(token=token)
        if more.get("sub") == claims["sub"]:
            claims = {**more, **claims}
    return sso.claims_from(issuer, claims)


@bp.route("/login/sso/welcome", methods=["GET", "POST"])
@login_required
def welcome():
    """A new member's first page: career stage and department, nothing more."""
    user = current_user._get_current_object()
    if not first_details.needs_first_details(user):
        return redirect(url_for("main.home"))
    form = first_details.FirstDetailsForm()
    first_details.fill_department_choices(db.session, form, user)
    if form.validate_on_submit():
        try:
            first_details.set_first_details(
                db.session,
                user,
                career_stage=form.career_stage.data,
                pgy_year=form.pgy_year.data,
                department_id=form.department_id.data,
            )
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(f"Welcome, {user.name}. Tell colleagues more about yourself whenever you like.", "success")
            return redirect(session.pop(_NEXT, "") or url_for("main.home"))
    return render_template("accounts/sso_welcome.html", form=form), 422 if form.errors else 200
