"""View decorators for roles. Anonymous users are sent to log in; members
without the role get 403."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def organizer_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.can_organize:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def managed_event(event_id: int):
    """The event, if the current user organizes it: 404 or 403 otherwise."""
    from eventsapp.errors import NotAllowed, NotFound
    from eventsapp.events import services
    from eventsapp.extensions import db

    try:
        event = services.get_event(db.session, event_id)
        services.require_organizer(event, current_user)
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    return event


def program_scope():
    """The departments the current user's program pages count: 403 for
    anyone who is neither a coordinator nor an admin."""
    from eventsapp.extensions import db
    from eventsapp.program.coordinators import scope_for

    scope = scope_for(db.session, current_user)
    if scope is None:
        abort(403)
    return scope
