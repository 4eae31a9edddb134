"""One-click unsubscribe, without logging in: the link in every mail
(and its List-Unsubscribe header) opens here. The token is the credential.

Only RFC 8058's one-click POST (body `List-Unsubscribe=One-Click`, sent by
mail clients, which hold no form token) skips the CSRF check; the page's
own button carries a form token like every other form of the site."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from eventsapp.errors import NotFound
from eventsapp.extensions import csrf, db
from eventsapp.notifications import unsubscribe

bp = Blueprint("unsubscribe", __name__, url_prefix="/unsubscribe")


@bp.get("/<token>")
def confirm(token: str):
    """Asks first: a GET never writes (mail scanners open every link)."""
    try:
        choice = unsubscribe.choice(db.session, current_app.config["SECRET_KEY"], token)
    except NotFound:
        abort(404)
    return render_template("unsubscribe/confirm.html", choice=choice, token=token)


@bp.post("/<token>")
@csrf.exempt
def stop(token: str):
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if current_app.config["WTF_CSRF_ENABLED"] and not one_click:
        csrf.protect()
    try:
        choice = unsubscribe.unsubscribe(db.session, current_app.config["SECRET_KEY"], token)
    except NotFound:
        abort(404)
    if one_click:  # a mail client, which shows no page: a plain answer
        return render_template("unsubscribe/done.html", choice=choice)
    flash(f"You will not be emailed about {choice.label} any more.", "success")
    return redirect(url_for("unsubscribe.confirm", token=token))
