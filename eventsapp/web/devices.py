"""The known-device cookie on the response: what accounts/clientkeys.py
decided, set where the request and the login page's address are known."""

from __future__ import annotations

from flask import Response, current_app, request, url_for

from eventsapp.accounts import clientkeys


def remember_device(response: Response, email: str) -> Response:
    """After a successful login: mark this browser as one the account's owner uses."""
    value = clientkeys.device_cookie_after_login(request.cookies.get(clientkeys.DEVICE_COOKIE), email)
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
