"""What every page shares: error pages, template helpers and headers."""

from __future__ import annotations

from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, g, has_app_context, has_request_context, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from eventsapp import logredact
from eventsapp.events.listing import viewer_zone
from eventsapp.events.text import render_description
from eventsapp.events.timefmt import format_moment, format_span, zone_label
from eventsapp.extensions import db
from eventsapp.notifications.signals import unread_changed
from eventsapp.rsvps.models import RsvpState
from eventsapp.timeutil import utcnow
from eventsapp.web.links import path_for

ERROR_TEXT = {
    400: (
        "Something in that request was not right",
        "The page could not understand what was sent. Go back and try again.",
    ),
    403: (
        "You don't have access to this page",
        "It belongs to someone else or needs a role you don't have. If you think you should have access, ask an admin.",
    ),
    404: ("We couldn't find that page", "The link may be old, or the page may have moved."),
    405: ("That action isn't available here", "Go back and use the buttons on the page."),
    413: ("That was too much to send at once", "Shorten what you entered and try again."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Something went wrong on our side", "The problem has been logged. Try again in a moment."),
    503: ("The service is briefly unavailable", "Try again in a minute."),
}


HSTS_SECONDS = 365 * 24 * 3600


class SecureOverHttpsSessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page came over HTTPS, not
    only when SESSION_COOKIE_SECURE says so (production)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


#: Headers for a response only its member may keep: no shared cache, no
#: copy left for the back button (data exports, private links).
PRIVATE = {"Cache-Control": "private, no-store"}
#: For a page whose own address holds a secret: not kept, and not repeated
#: in the Referer of the next request.
SECRET_IN_ADDRESS = {**PRIVATE, "Referrer-Policy": "no-referrer"}


def render_error(code: int, title: str | None = None, text: str | None = None):
    default_title, default_text = ERROR_TEXT.get(code, ERROR_TEXT[500])
    title, text = title or default_title, text or default_text
    try:
        return render_template("errors/error.html", code=code, title=title, text=text), code
    except Exception:  # noqa: BLE001 - the layout itself failed (e.g. the database is down)
        return (
            f"<!doctype html><html lang=en><title>{escape(title)}</title>"
            f"<main><h1>{escape(title)}</h1><p>{escape(text)}</p></main></html>"
        ), code


def page_url(page: int) -> str:
    """This page's URL with its filters kept and another page number. The
    query string is re-encoded as it came, never handed to url_for as
    arguments (where `_external=` or `endpoint=` would mean something)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"] + [("page", str(page))]
    return url_for(request.endpoint, **(request.view_args or {})) + "?" + urlencode(args)


@unread_changed.connect
def _forget_unread_count(user_id: int, **_) -> None:
    """The count read with the account is out of date once notifications change."""
    if has_app_context():
        g.pop("unread_notifications", None)


def unread_notifications() -> int:
    """For the navigation badge: one small query, only for members."""
    if not current_user.is_authenticated:
        return 0
    known = g.get("unread_notifications")  # read with the account (see web/signedin.py)
    if known is not None and known[0] == current_user.id:
        return known[1]
    from eventsapp.notifications.services import unread_count

    return unread_count(db.session, current_user.id)


def requests_waiting() -> int:
    """For the navigation badge: introduction requests waiting for this
    senior's answer, read with the account (see web/signedin.py)."""
    if not current_user.is_authenticated:
        return 0
    known = g.get("requests_waiting")
    if known is not None and known[0] == current_user.id:
        return known[1]
    from eventsapp.introductions.waiting import waiting_count_of

    return db.session.scalar(sa.select(waiting_count_of(current_user.id)), {"now": page_now()})


def page_zone() -> str:
    """The viewer's time zone, looked up once per request: a list page asks
    for it on every row."""
    if "viewer_zone" not in g:
        g.viewer_zone = viewer_zone(current_user)
    return g.viewer_zone


def page_now():
    """One "now" for the whole page, so every row says "today" alike."""
    if "page_now" not in g:
        g.page_now = utcnow()
    return g.page_now


def event_when(event) -> str:
    """When an event happens, in the viewer's time zone."""
    return format_span(
        event.starts_at,
        event.ends_at,
        all_day=event.all_day,
        event_zone=event.timezone,
        viewer_zone=page_zone(),
        now=page_now(),
    )


def event_day(event):
    """The local date an event starts on, for the date tile in lists."""
    zone = event.timezone if event.all_day else page_zone()
    return event.starts_at.astimezone(ZoneInfo(zone)).date()


def local_moment(moment, zone: str | None = None, joiner: str = ", ") -> str:
    return format_moment(moment, zone or page_zone(), page_now(), joiner)


def initials(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w[:1].isalpha()]
    if not words:
        return "?"
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


def up_to(limit: int) -> str:
    """A regular expression for the numbers 1 to `limit`, written without
    leading zeros. The URL map must refuse a larger id by its pattern: a
    number refused only by the converter lets a route with the same path
    and another method answer 405 instead of 404."""
    digits = str(limit)
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same = []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            same.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{len(digits) - i - 1}}}")
    return "|".join(shorter + same + [digits])


class IdConverter(IntegerConverter):
    """`<int:...>` in URLs: a database id, so 1 to 2**31-1. Anything else is
    a 404 instead of an overflow in the database driver. ASCII digits
    without leading zeros, so each row has one address ("\\d" would also
    take "١٢")."""

    regex = "(?:" + up_to(2**31 - 1) + ")"

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=2**31 - 1)


def install_converters(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter


def _has_nul(values) -> bool:
    return any("\x00" in value for value in values)


def init_app(app: Flask) -> None:
    logredact.install()  # no feed token or check-in secret in the development server's log
    _refuse_malformed_requests(app)
    _install_error_pages(app)
    _install_template_helpers(app)
    app.session_interface = SecureOverHttpsSessionInterface()
    app.after_request(security_headers)


#: The endpoints whose forms have a file field (and only file fields take files there).
TAKES_FILES = frozenset({"roster.upload"})


def _refuse_malformed_requests(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        # Nobody types a NUL; PostgreSQL refuses to store one.
        if _has_nul(request.args.values()) or _has_nul(request.form.values()):
            return render_error(400)
        return None

    @app.before_request
    def refuse_file_parts():
        # Only the pages in TAKES_FILES take a file: elsewhere a file where a
        # form expects text is refused whole, before any form reads it
        # (WTForms would take the file for the field's text).
        if request.files and request.endpoint not in TAKES_FILES:
            return render_error(400, "This form takes no files", "Go back and type your answers into the fields.")
        return None


def _install_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "This form has expired",
            "For your security, forms stop working after a while or when "
            "you log in elsewhere. Go back, reload the page and try again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render_error(error.code)

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):
        # A lock not granted in time, or the database unreachable: try again
        # shortly. Nothing was saved (the transaction is rolled back).
        app.logger.warning("Database unavailable: %s", error.orig)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone; the pool replaces it
            db.session.remove()
        response, code = render_error(503)
        return response, code, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)


def _install_template_helpers(app: Flask) -> None:
    app.add_template_filter(initials)
    app.add_template_filter(render_description, "description_html")

    @app.context_processor
    def shared_context():
        return {
            "page_url": page_url,
            "unread_notifications": unread_notifications,
            "requests_waiting": requests_waiting,
            "event_when": event_when,
            "event_day": event_day,
            "path_for": path_for,
            "local_moment": local_moment,
            "zone_label": zone_label,
            "now_utc": utcnow,
            "state_labels": RsvpState.LABELS,
            "viewer_zone": page_zone,
        }


def security_headers(response):
    if request.is_secure:
        # Browsers that once saw the site over HTTPS never try plain HTTP
        # again (behind a proxy, is_secure trusts X-Forwarded-Proto only
        # when PROXIES says so).
        response.headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}; includeSubDomains")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
    )
    return response
