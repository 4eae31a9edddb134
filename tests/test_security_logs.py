"""URL secrets stay out of server logs: a private feed's token and a check-in
secret open something by their URL alone, so whoever reads the access log of
the development server (flask run) or of gunicorn must not find them."""
from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventsapp.extensions import db
from eventsapp.ical import services as ical
from eventsapp.logredact import REDACTED, RedactSecrets, redact
from tests.conftest import BASE_CONFIG
from tests.factories import make_event, make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("line, expected", [
    ('"GET /calendar/Zq3-x_9AbC.ics HTTP/1.1" 200 512', f'"GET /calendar/{REDACTED}.ics HTTP/1.1" 200 512'),
    ("GET /calendar/Zq3-x_9AbC.ics?x=1 HTTP/1.1", f"GET /calendar/{REDACTED}.ics?x=1 HTTP/1.1"),
    ("GET /calendar//Zq3-x_9AbC.ics HTTP/1.1", f"GET /calendar//{REDACTED}.ics HTTP/1.1"),
    ("GET /calendar/Zq3-x_9AbC HTTP/1.1", f"GET /calendar/{REDACTED} HTTP/1.1"),
    ("\x1b[33mGET /calendar/Zq3.ics HTTP/1.1\x1b[0m", f"\x1b[33mGET /calendar/{REDACTED}.ics HTTP/1.1\x1b[0m"),
    ("POST /events/12/check-in/s3cr3t HTTP/1.1", f"POST /events/12/check-in/{REDACTED} HTTP/1.1"),
    # Not secrets: the public feed, the form that makes a new link, other pages.
    ("GET /calendar/events.ics?kind=meeting HTTP/1.1", "GET /calendar/events.ics?kind=meeting HTTP/1.1"),
    ("POST /calendar/feed HTTP/1.1", "POST /calendar/feed HTTP/1.1"),
    ("GET /events/12 HTTP/1.1", "GET /events/12 HTTP/1.1"),
])
def test_redact_hides_feed_tokens_and_check_in_secrets_only(line, expected):
    assert redact(line) == expected


def test_the_filter_rewrites_a_record_built_from_arguments():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", "GET /calendar/Zq3-x_9AbC.ics HTTP/1.1", "200"), None)
    assert RedactSecrets().filter(record) is True
    assert "Zq3-x_9AbC" not in record.getMessage() and REDACTED in record.getMessage()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


@pytest.fixture
def secrets_in_urls(app):
    """A member's feed token and an event's check-in secret, in this test's database."""
    member = make_user()
    token = ical.feed_token(ical.create_or_rotate(db.session, member))
    event = make_event()
    found = {"token": token, "event_id": event.id, "checkin": event.checkin_secret}
    db.session.remove()  # the server processes open the database themselves
    return found


def _serve_and_read_log(command: list[str], database_url: str, tmp_path: Path, paths: list[str]) -> str:
    port = _free_port()
    log_path = tmp_path / "server.log"
    env = {k: v for k, v in os.environ.items() if k != "FLASK_DEBUG"}
    env.update(DATABASE_URL=database_url, SECRET_KEY=BASE_CONFIG["SECRET_KEY"], APP_ENV="development",
               PYTHONUNBUFFERED="1")
    with open(log_path, "w") as log:
        process = subprocess.Popen([part.replace("PORT", str(port)) for part in command], cwd=ROOT, env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    _get(port, "/calendar/events.ics")
                    break
                except OSError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError(f"the server did not start:\n{log_path.read_text()}")
                    time.sleep(0.2)
            statuses = [_get(port, path) for path in paths]
        finally:
            process.terminate()
            process.wait(timeout=30)
    return statuses, log_path.read_text()


@pytest.mark.parametrize("server", ["flask run", "gunicorn"])
def test_server_access_logs_never_show_a_feed_token_or_check_in_secret(secrets_in_urls, database_url, tmp_path,
                                                                      server):
    command = {
        "flask run": [sys.executable, "-m", "flask", "--app", "app", "run", "--no-reload", "--port", "PORT"],
        "gunicorn": [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--access-logfile", "-",
                     "--workers", "1", "--bind", "127.0.0.1:PORT", "app:app"],
    }[server]
    token, checkin, event_id = secrets_in_urls["token"], secrets_in_urls["checkin"], secrets_in_urls["event_id"]
    statuses, log = _serve_and_read_log(command, database_url, tmp_path, [
        f"/calendar/{token}.ics", f"/calendar/{token}.ics?refresh=1", f"/events/{event_id}/check-in/{checkin}"])
    assert statuses == [200, 200, 302]  # the feed opened; the check-in link asks the visitor to log in
    # The log is really being written: the requests are in it, the secrets are not.
    assert "/calendar/events.ics" in log
    assert f"/calendar/{REDACTED}.ics" in log and f"/check-in/{REDACTED}" in log
    assert token not in log and checkin not in log
