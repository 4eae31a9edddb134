from __future__ import annotations

from flask import Blueprint, render_template

from eventsapp.demo import services as demo
from eventsapp.extensions import db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    return render_template("main/home.html", demo_logins=demo.installed_logins(db.session))
