"""URL secrets stay out of server logs: a private feed's token and a check-in
secret open something by their URL alone, so whoever reads the access log of
the development server (flask run) or of gunicorn must not find them."""

from __future__ import annotations

import html
import http.client
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest

from eventsapp.extensions import db
from eventsapp.ical import services as ical
from eventsapp.logredact import REDACTED, RedactSecrets, redact
from tests.conftest import BASE_CONFIG
from tests.factories import DEFAULT_PASSWORD, make_event, make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "line, expected",
    [
        ('"GET /calendar/Zq3-x_9AbC.ics HTTP/1.1" 200 512', f'"GET /calendar/{REDACTED}.ics HTTP/1.1" 200 512'),
        ("GET /calendar/Zq3-x_9AbC.ics?x=1 HTTP/1.1", f"GET /calendar/{REDACTED}.ics?x=1 HTTP/1.1"),
        ("GET /calendar//Zq3-x_9AbC.ics HTTP/1.1", f"GET /calendar//{REDACTED}.ics HTTP/1.1"),
        ("GET /calendar/Zq3-x_9AbC HTTP/1.1", f"GET /calendar/{REDACTED} HTTP/1.1"),
        ("\x1b[33mGET /calendar/Zq3.ics HTTP/1.1\x1b[0m", f"\x1b[33mGET /calendar/{REDACTED}.ics HTTP/1.1\x1b[0m"),
        ("POST /events/12/check-in/s3cr3t HTTP/1.1", f"POST /events/12/check-in/{REDACTED} HTTP/1.1"),
        # Percent-encoded in the login page's `next=`, in either case, once or twice, and in a Referer.
        (
            '"GET /login?next=%2Fevents%2F1%2Fcheck-in%2Fs3cr3t HTTP/1.1" 200',
            f'"GET /login?next=%2Fevents%2F1%2Fcheck-in%2F{REDACTED} HTTP/1.1" 200',
        ),
        (
            "GET /login?next=%2fevents%2f1%2fcheck-in%2fs3cr3t&x=1 HTTP/1.1",
            f"GET /login?next=%2fevents%2f1%2fcheck-in%2f{REDACTED}&x=1 HTTP/1.1",
        ),
        (
            "GET /login?next=%252Fevents%252F1%252Fcheck-in%252Fs3cr3t%2526a HTTP/1.1",
            f"GET /login?next=%252Fevents%252F1%252Fcheck-in%252F{REDACTED}%2526a HTTP/1.1",
        ),
        (
            '"http://127.0.0.1:8000/login?next=%2Fcalendar%2FZq3-x_9AbC.ics" "Mozilla/5.0"',
            f'"http://127.0.0.1:8000/login?next=%2Fcalendar%2F{REDACTED}.ics" "Mozilla/5.0"',
        ),
        # Spelled in an encoding the patterns do not follow: the line is logged decoded, still without it.
        ("GET /events/1/%63heck-in/s3cr3t HTTP/1.1", f"GET /events/1/check-in/{REDACTED} HTTP/1.1"),
        ("GET /events/1/check-in/s3%63r3t HTTP/1.1", f"GET /events/1/check-in/{REDACTED} HTTP/1.1"),
        # The mailed links: a new password, joining from an invitation, confirming, unsubscribing.
        ("POST /reset-password/WzIsImFiYyJd.Zq3.x_9 HTTP/1.1", f"POST /reset-password/{REDACTED} HTTP/1.1"),
        ("GET /join/Zq3-x_9AbC HTTP/1.1", f"GET /join/{REDACTED} HTTP/1.1"),
        ("GET /account/confirm/WzIsImFiYyJd.Zq3 HTTP/1.1", f"GET /account/confirm/{REDACTED} HTTP/1.1"),
        ("POST /unsubscribe/Zq3-x_9AbC HTTP/1.1", f"POST /unsubscribe/{REDACTED} HTTP/1.1"),
        (
            "GET /login?next=%2Freset-password%2FWzIsImFiYyJd HTTP/1.1",
            f"GET /login?next=%2Freset-password%2F{REDACTED} HTTP/1.1",
        ),
        ("POST /account/confirm/resend HTTP/1.1", "POST /account/confirm/resend HTTP/1.1"),
        # Not secrets: the public feed, the form that makes a new link, other pages.
        ("GET /calendar/events.ics?kind=meeting HTTP/1.1", "GET /calendar/events.ics?kind=meeting HTTP/1.1"),
        ("POST /calendar/feed HTTP/1.1", "POST /calendar/feed HTTP/1.1"),
        ("GET /events/12 HTTP/1.1", "GET /events/12 HTTP/1.1"),
        (
            "GET /login?next=%2Fcalendar%2Fevents.ics%3Fkind%3Dmeeting HTTP/1.1",
            "GET /login?next=%2Fcalendar%2Fevents.ics%3Fkind%3Dmeeting HTTP/1.1",
        ),
        ("GET /events?q=100%25 HTTP/1.1", "GET /events?q=100%25 HTTP/1.1"),
    ],
)
def test_redact_hides_feed_tokens_and_check_in_secrets_only(line, expected):
    assert redact(line) == expected


def test_the_filter_rewrites_a_record_built_from_arguments():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '%s - - "%s" %s',
        ("127.0.0.1", "GET /calendar/Zq3-x_9AbC.ics HTTP/1.1", "200"),
        None,
    )
    assert RedactSecrets().filter(record) is True
    assert "Zq3-x_9AbC" not in record.getMessage() and REDACTED in record.getMessage()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Visitor:
    """A browser, roughly: keeps cookies, sends the Referer it is told to."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, *, form: dict | None = None, referer: str | None = None):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if referer:
            headers["Referer"] = f"http://127.0.0.1:{self.port}{referer}"
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, response.headers.get("Location", ""), text


def _get(port: int, path: str) -> int:
    return Visitor(port).request("GET", path)[0]


@pytest.fixture
def secrets_in_urls(app):
    """A member's feed token and an event's check-in secret, in this test's database."""
    member = make_user(email="scanner@hospital.example")
    token = ical.feed_token(ical.create_or_rotate(db.session, member))
    event = make_event()
    found = {"token": token, "event_id": event.id, "checkin": event.checkin_secret, "email": member.email}
    db.session.remove()  # the server processes open the database themselves
    return found


def scan_log_in_and_check_in(port: int, found: dict) -> list[int]:
    """What a member does who scans the QR code before logging in: the check-in
    link sends them to the login page (the secret now in its `next=`), they log
    in (the browser sends the login page as Referer) and land on the check-in
    page; also the feed, and a Referer holding the feed token encoded twice."""
    token, secret, event_id = found["token"], found["checkin"], found["event_id"]
    visitor = Visitor(port)
    statuses = []
    status, login_url, _ = visitor.request("GET", f"/events/{event_id}/check-in/{secret}")
    statuses.append(status)
    login_path = urllib.parse.urlsplit(login_url)._replace(scheme="", netloc="").geturl()
    status, _, page = visitor.request("GET", login_path, referer=f"/events/{event_id}/check-in/{secret}")
    statuses.append(status)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    next_field = re.search(r'name="next" type="hidden" value="([^"]*)"', page)
    status, after_login, _ = visitor.request(
        "POST",
        login_path,
        referer=login_path,
        form={
            "csrf_token": csrf.group(1) if csrf else "",
            "next": html.unescape(next_field.group(1)) if next_field else "",
            "email": found["email"],
            "password": DEFAULT_PASSWORD,
        },
    )
    statuses.append(status)
    status, _, _ = visitor.request("GET", urllib.parse.urlsplit(after_login).path, referer=login_path)
    statuses.append(status)
    for path in (f"/calendar/{token}.ics", f"/calendar/{token}.ics?refresh=1"):
        statuses.append(visitor.request("GET", path)[0])
    statuses.append(
        visitor.request(
            "GET",
            "/",
            referer="/login?next=" + urllib.parse.quote(urllib.parse.quote(f"/calendar/{token}.ics", ""), ""),
        )[0]
    )
    return statuses, login_path


def _serve_and_read_log(command: list[str], database_url: str, tmp_path: Path, visit) -> tuple:
    port = _free_port()
    log_path = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(
        DATABASE_URL=database_url, SECRET_KEY=BASE_CONFIG["SECRET_KEY"], APP_ENV="development", PYTHONUNBUFFERED="1"
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [part.replace("PORT", str(port)) for part in command],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    _get(port, "/calendar/events.ics")
                    break
                except OSError as error:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"the server did not start:\n{log_path.read_text()}") from error
                    time.sleep(0.2)
            result = visit(port)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return result, log_path.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("server", ["flask run", "gunicorn"])
def test_server_access_logs_never_show_a_feed_token_or_check_in_secret(secrets_in_urls, database_url, tmp_path, server):
    command = {
        "flask run": [sys.executable, "-m", "flask", "--app", "app", "run", "--no-reload", "--port", "PORT"],
        "gunicorn": [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            "-",
            "--workers",
            "1",
            "--bind",
            "127.0.0.1:PORT",
            "app:app",
        ],
    }[server]
    token, checkin = secrets_in_urls["token"], secrets_in_urls["checkin"]
    (statuses, login_path), log = _serve_and_read_log(
        command, database_url, tmp_path, lambda port: scan_log_in_and_check_in(port, secrets_in_urls)
    )
    # Sent to log in, shown the form, logged in and sent on, shown the check-in page; the feed opened twice.
    assert statuses == [302, 200, 302, 200, 200, 200, 200], log
    assert login_path.startswith("/login?next=%2Fevents%2F")  # the secret really was in the login page's address
    # The log is really being written: the requests are in it, the secrets are not.
    assert "/calendar/events.ics" in log and "POST /login?next=" in log
    assert f"/calendar/{REDACTED}.ics" in log and f"/check-in/{REDACTED}" in log
    if server == "gunicorn":  # its access log keeps the request line as sent, and records the Referer
        assert f"GET /login?next=%2Fevents%2F{secrets_in_urls['event_id']}%2Fcheck-in%2F{REDACTED}" in log
        assert f"/login?next=%252Fcalendar%252F{REDACTED}.ics" in log
    else:  # werkzeug decodes the path before logging it
        assert f"GET /login?next=/events/{secrets_in_urls['event_id']}/check-in/{REDACTED}" in log
    for secret in (token, checkin):
        assert secret not in log, f"{secret} is in the {server} log:\n{log}"
