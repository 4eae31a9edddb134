from __future__ import annotations

from flask import Blueprint, current_app, render_template

from eventsapp.demo import services as demo
from eventsapp.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    # Demo passwords are public; a production home page never lists them.
    show_demo = current_app.config["APP_ENV"] != "production"
    logins = demo.installed_logins(db.session) if show_demo else []
    return render_template("main/home.html", demo_logins=logins)
