"""The known-device cookie on the response: what accounts/clientkeys.py
decided, set where the request and the login page's address are known."""

from __future__ import annotations

from flask import Response, current_app, request, url_for
from flask_login import current_user

from eventsapp.accounts import clientkeys
from eventsapp.accounts.sessions import describe_device
from eventsapp.audit.models import Action
from eventsapp.audit.services import subject_of
from eventsapp.web.audit import audit


def remember_device(response: Response, email: str) -> Response:
    """After a successful login: mark this browser as one the account's owner
    uses; the first time, record the sign-in from a new device."""
    cookie = request.cookies.get(clientkeys.DEVICE_COOKIE)
    if not clientkeys.device_known_for(cookie, email) and current_user.is_authenticated:
        audit(Action.NEW_DEVICE, subject_of(current_user), describe_device(request.user_agent.string))
    value = clientkeys.device_cookie_after_login(cookie, email)
    response.set_cookie(
        clientkeys.DEVICE_COOKIE,
        value,
        max_age=clientkeys.DEVICE_COOKIE_DAYS * 86400,
        path=url_for("accounts.login"),
        httponly=True,
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )
    return response
