"""Calendar files and feeds over HTTP: who gets what, and cheap polling."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from eventsapp.ical.models import CalendarFeed
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def member(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    return user


def feed_url(client) -> str:
    client.post("/calendar/feed")
    page = client.get("/profile", follow_redirects=True).get_data(as_text=True)
    return re.search(r'id="feed-url" type="text" value="([^"]+)"', page).group(1)


def test_an_event_downloads_as_an_ics_file(client):
    event = make_event(title="Grand Rounds")
    response = client.get(f"/events/{event.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="event-{event.id}.ics"'
    assert b"SUMMARY:Grand Rounds" in response.data


def test_unknown_event_file_is_404(client):
    assert client.get("/events/99999.ics").status_code == 404


def test_unchanged_files_answer_304_to_either_validator(client):
    event = make_event()
    first = client.get(f"/events/{event.id}.ics")
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert "max-age" in first.headers["Cache-Control"]
    assert client.get(f"/events/{event.id}.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert (
        client.get(f"/events/{event.id}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code
        == 304
    )
    assert client.get(f"/events/{event.id}.ics").data == first.data


def test_event_page_offers_download_google_and_outlook(client, member):
    event = make_event(title="Grand Rounds", location="Auditorium B")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}.ics"' in page
    google = re.search(r'href="(https://calendar.google.com/[^"]+)"', page).group(1).replace("&amp;", "&")
    query = parse_qs(urlsplit(google).query)
    start = event.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert query["text"] == ["Grand Rounds"] and query["dates"][0].startswith(start + "/")
    assert query["location"] == ["Auditorium B"] and f"/events/{event.id}" in query["details"][0]
    outlook = re.search(r'href="(https://outlook.live.com/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert parse_qs(urlsplit(outlook).query)["subject"] == ["Grand Rounds"]


def test_my_feed_holds_what_i_answered_with_waitlist_and_maybe_tentative(client, member):
    going, waiting, maybe, declined = (make_event(title=t) for t in ("Going", "Waiting", "Maybe", "Declined"))
    make_rsvp(going, member, "going")
    make_rsvp(waiting, member, "waitlisted")
    make_rsvp(maybe, member, "maybe")
    make_rsvp(declined, member, "declined")
    make_event(title="Never answered")
    url = feed_url(client)
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    auth_free = client.application.test_client()  # calendar apps cannot log in
    body = auth_free.get(urlsplit(url).path).get_data(as_text=True)
    assert "SUMMARY:Going" in body and "SUMMARY:Waiting (waitlist)" in body and "SUMMARY:Maybe" in body
    assert "Declined" not in body and "Never answered" not in body
    statuses = re.findall(r"STATUS:(\w+)", body)
    assert sorted(statuses) == ["CONFIRMED", "TENTATIVE", "TENTATIVE"]


def test_feed_is_private_and_uncached_by_shared_caches(client, member):
    response = client.application.test_client().get(urlsplit(feed_url(client)).path)
    assert response.headers["Cache-Control"].startswith("private")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_database_holds_no_working_feed_token(client, session, member):
    token = urlsplit(feed_url(client)).path.rsplit("/", 1)[1].removesuffix(".ics")
    assert len(token) >= 43  # 256 bits, URL-safe base64
    session.rollback()
    feed = session.get(CalendarFeed, member.id)
    assert token not in (feed.salt, feed.token_hash)


def test_a_rotated_link_is_404_like_one_that_never_existed(client, member):
    old = urlsplit(feed_url(client)).path
    new = urlsplit(feed_url(client)).path  # "Get a new link"
    outsider = client.application.test_client()
    assert old != new and outsider.get(new).status_code == 200
    rotated, invented = outsider.get(old), outsider.get("/calendar/" + "A" * 43 + ".ics")
    assert rotated.status_code == invented.status_code == 404
    assert rotated.data == invented.data


def test_the_token_works_only_on_the_feed_url(client, member):
    token = urlsplit(feed_url(client)).path.rsplit("/", 1)[1].removesuffix(".ics")
    outsider = client.application.test_client()
    assert outsider.get(f"/profile?token={token}").status_code == 302
    assert outsider.get(f"/calendar/{token}").status_code == 404


def test_cancelled_events_stay_in_my_feed_as_cancelled(client, session, member):
    event = make_event(title="Rooftop Barbecue")
    make_rsvp(event, member, "going")
    event.status = "cancelled"
    session.commit()
    body = client.application.test_client().get(urlsplit(feed_url(client)).path).get_data(as_text=True)
    assert "SUMMARY:Rooftop Barbecue" in body and "STATUS:CANCELLED" in body


@pytest.mark.parametrize(
    "query", ["kind=party", "specialty=abc", "specialty=99999", "department=-1", "department=99999999999999999999"]
)
def test_public_feed_filters_with_unknown_values_are_a_plain_400(client, query):
    response = client.get(f"/calendar/events.ics?{query}")
    assert response.status_code == 400
    assert response.mimetype == "text/plain" and "Unknown" in response.get_data(as_text=True)


def test_public_feed_link_on_the_event_list_keeps_the_filters(client):
    page = client.get("/events?kind=meeting").get_data(as_text=True)
    assert 'href="/calendar/events.ics?kind=meeting"' in page
    assert client.get("/calendar/events.ics?kind=meeting").status_code == 200


@pytest.mark.slow
def test_every_demo_users_feed_holds_only_events_they_may_see(runner, client, session):
    from eventsapp.accounts.models import User
    from eventsapp.events.models import Event
    from eventsapp.ical import services as ical
    from eventsapp.mentorships.models import Mentorship
    from eventsapp.rsvps.models import Rsvp

    runner.invoke(args=["seed-demo"])
    visible = {f"event-{i}@mentor-rounds.local" for i in session.scalars(sa.select(Event.id))}
    for user in session.scalars(sa.select(User)).all():
        feed = ical.create_or_rotate(session, user)
        body = client.get(f"/calendar/{ical.feed_token(feed)}.ics").get_data(as_text=True)
        uids = set(re.findall(r"UID:(\S+)", body))
        # Their own mentorships' next meetings are theirs too, and no one else's.
        members = sa.or_(Mentorship.intern_id == user.id, Mentorship.mentor_id == user.id)
        meetings = {
            f"mentorship-{i}@mentor-rounds.local" for i in session.scalars(sa.select(Mentorship.id).where(members))
        }
        assert uids <= visible | meetings, user.email
        mine = set(session.scalars(sa.select(Rsvp.event_id).where(Rsvp.user_id == user.id, Rsvp.state != "declined")))
        assert {int(u.split("-")[1].split("@")[0]) for u in uids - meetings} <= mine


def test_changing_my_answer_raises_the_sequence_in_my_feed(client, session, member):
    event = make_event(title="Grand Rounds", capacity=1)
    client.post(f"/events/{event.id}/rsvp", data={"state": "maybe"})
    outsider, path = client.application.test_client(), urlsplit(feed_url(client)).path
    first = outsider.get(path).get_data(as_text=True)
    client.post(f"/events/{event.id}/rsvp", data={"state": "going"})
    second = outsider.get(path).get_data(as_text=True)

    def sequence(text):
        return int(re.search(r"SEQUENCE:(\d+)", text).group(1))

    assert "STATUS:TENTATIVE" in first and "STATUS:CONFIRMED" in second
    assert sequence(second) > sequence(first)
