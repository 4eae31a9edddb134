"""Add-to-calendar links and the headers of .ics responses."""

import http.client
import threading
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import make_server

from eventsapp.ical.links import MAX_URL_BYTES, add_links
from tests.factories import make_event

START = datetime(2027, 3, 2, 12, 30, tzinfo=UTC)
EVENT_URL = "https://rounds.hospital.example/events/42"


def links(**fields):
    values = dict(
        title="Grand Rounds",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        all_day=False,
        zone="America/New_York",
        description="Case review.",
        location="Auditorium B",
        online_url="https://meet.example/rounds",
        event_url=EVENT_URL,
    )
    return add_links(**{**values, **fields})


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_both_links_keep_the_online_link_when_a_place_is_set():
    google, outlook = links()
    assert query(google)["location"] == query(outlook)["location"] == "Auditorium B"
    for text in (query(google)["details"], query(outlook)["body"]):
        assert "Join online: https://meet.example/rounds" in text and EVENT_URL in text


@pytest.mark.parametrize(
    "description", ["Case review. " * 400, "Кардиологический разбор. " * 300, "循環器内科の症例検討会。" * 400]
)
def test_long_descriptions_are_cut_to_fit_the_encoded_url_keeping_the_links(description):
    online = "https://meet.example/j/" + "%E2%9C%93x" * 40
    google, outlook = links(description=description, online_url=online)
    for url, details in ((google, "details"), (outlook, "body")):
        assert len(url.encode()) <= MAX_URL_BYTES
        text = query(url)[details]
        assert text.startswith(description[:20]) and "…" in text
        assert f"Join online: {online}" in text and text.endswith(f"Details and RSVP: {EVENT_URL}")
    # Nothing is cut that did not need to be.
    assert len(google.encode()) > MAX_URL_BYTES - 40


def test_a_long_title_and_place_in_any_script_still_fit():
    google, outlook = links(title="心臓" * 100, location="東病棟" * 66, description="説明" * 3000)
    for url, details in ((google, "details"), (outlook, "body")):
        assert len(url.encode()) <= MAX_URL_BYTES
        assert query(url)[details].endswith(EVENT_URL)


def test_a_short_event_is_not_cut():
    google, _ = links()
    assert "…" not in query(google)["details"] and query(google)["text"] == "Grand Rounds"


def test_a_cancelled_event_offers_no_add_links(client):
    event = make_event(title="Grand Rounds", online_url="https://meet.example/rounds")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Add to Google Calendar" in page and "Add to Outlook" in page
    cancelled = make_event(title="Old Rounds", status="cancelled")
    page = client.get(f"/events/{cancelled.id}").get_data(as_text=True)
    assert "calendar.google.com" not in page and "outlook.live.com" not in page
    assert "Download .ics" in page


@pytest.fixture
def served(app):
    """The app behind Werkzeug's server (the one `make run` starts), which
    adds a Date header of its own, as gunicorn does."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield server.port
    server.shutdown()
    thread.join()


def test_ics_responses_carry_one_date_header(served):
    event = make_event()
    for path in (f"/events/{event.id}.ics", "/calendar/events.ics", "/events"):
        connection = http.client.HTTPConnection("127.0.0.1", served, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, path
        assert len(response.msg.get_all("Date")) == 1, path
        connection.close()
