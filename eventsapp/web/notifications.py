from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from eventsapp.errors import NotFound
from eventsapp.extensions import db
from eventsapp.notifications import services

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("")
@login_required
def index():
    items = services.recent(db.session, current_user.id)
    return render_template("notifications/index.html", items=items)


@bp.post("/read")
@login_required
def mark_read():
    services.mark_all_read(db.session, current_user.id)
    flash("All notifications are marked as read.", "success")
    return redirect(url_for("notifications.index"))


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    """Opening a notification marks it read, then follows its link."""
    try:
        target = services.open_notification(db.session, current_user.id, notification_id)
    except NotFound:
        abort(404)
    return redirect(target or url_for("notifications.index"))
