"""The home page and other pages that belong to no single domain."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from eventsapp.demo import services as demo
from eventsapp.extensions import db
from eventsapp.web.home import member_home
from eventsapp.web.pages import page_now, page_zone, unread_notifications

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """A visitor learns what the app is for; a member finds their own page."""
    if current_user.is_authenticated:
        home = member_home(
            db.session,
            current_user,
            now=page_now(),
            zone=page_zone(),
            suggestions_shown=current_app.config["SUGGESTIONS_SHOWN"],
            unread_count=unread_notifications(),
        )
        return render_template("main/member.html", home=home)
    # Demo passwords are public; a production home page never lists them.
    show_demo = current_app.config["APP_ENV"] != "production"
    logins = demo.installed_logins(db.session) if show_demo else []
    return render_template("main/home.html", demo_logins=logins)
