"""A member's feed is read as columns and kept between polls
(eventsapp/ical/export.py): it must be byte for byte the feed built from
loaded Events, a repeat poll gets the same bytes without building them
again, and any change shows in the very next poll, even one that leaves
every timestamp and revision as it was."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import url_for

from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.ical import export
from eventsapp.ical import services as ical
from eventsapp.ical.builder import IcsCalendar, build
from eventsapp.rsvps.models import Rsvp
from eventsapp.timeutil import utcnow
from eventsapp.web.links import calendar_links
from tests.factories import make_event, make_rsvp, make_user, specialty
from tests.test_query_counts import counting


@pytest.fixture
def member(session):
    return make_user("Maya Okafor", email="maya@hospital.example")


@pytest.fixture
def organizer(session):
    return make_user("Grace Lindqvist", role="organizer", stage="faculty")


@pytest.fixture
def feed_path(session, member):
    return f"/calendar/{ical.feed_token(ical.create_or_rotate(session, member))}.ics"


@pytest.fixture
def going(session, member, organizer):
    """Maya is going to Grand Rounds (Cardiology, Clinical research)."""
    event = make_event(organizer, title="Grand Rounds", interests=["Cardiology", "Clinical research"])
    make_rsvp(event, member, "going")
    return event


@pytest.fixture(autouse=True)
def kept(monkeypatch):
    """The feeds kept, counted from empty; and how many feeds were built."""
    kept = export.feed_cache()
    monkeypatch.setattr(export, "kept_feeds", kept)
    kept.built = 0
    real_build = export.build

    def build_counted(calendar):
        kept.built += 1
        return real_build(calendar)

    monkeypatch.setattr(export, "build", build_counted)
    return kept


def poll(client, path) -> str:
    """The feed's text with folded lines joined again."""
    return client.get(path).get_data(as_text=True).replace("\r\n ", "")


def test_the_feed_read_as_columns_is_the_feed_built_from_loaded_events(app, session, member, organizer):
    nobody = make_user("Left the hospital", role="organizer")
    answers = [
        (
            make_event(
                organizer,
                title="Grand Rounds",
                interests=["Cardiology", "Clinical research", "Anesthesiology"],
                description="  Case review,\r\nthen coffee  ",
                online_url="https://meet.example/1",
                revision=3,
            ),
            "going",
        ),
        (
            make_event(
                organizer,
                title="Journal club",
                location="",
                online_url="https://meet.example/2",
                starts_in=timedelta(days=2),
                timezone_name="Europe/London",
            ),
            "waitlisted",
        ),
        (
            make_event(
                organizer, title="Symposium", all_day=True, duration=timedelta(days=2), starts_in=timedelta(days=9)
            ),
            "maybe",
        ),
        (
            make_event(
                organizer, title="Rooftop social", kind="social", status="cancelled", starts_in=timedelta(days=-20)
            ),
            "going",
        ),
        (
            make_event(
                nobody, title="Orphaned", kind="conference", starts_in=timedelta(days=3), timezone_name="Asia/Kolkata"
            ),
            "going",
        ),
    ]
    for event, state in answers:
        make_rsvp(event, member, state, revision=2 if state == "maybe" else 0)
    make_rsvp(make_event(organizer, title="Declined"), member, "declined")
    make_rsvp(make_event(organizer, title="Too far ahead", starts_in=timedelta(days=400)), member, "going")
    session.delete(nobody)
    session.commit()
    now = utcnow()
    with app.test_request_context("/", base_url="https://rounds.example:8443/mounted/"):
        links = calendar_links()
        feed = export.personal_feed(session, member.id, links, now, "Maya's events")
        # What the feed was before it was read as columns: Events loaded
        # with the ORM, each with the member's answer.
        rsvps = {r.event_id: r for r in session.scalars(sa.select(Rsvp).where(Rsvp.user_id == member.id))}
        events = session.scalars(
            sa.select(Event).where(Event.id.in_([e.id for e, _ in answers])).order_by(Event.starts_at, Event.id)
        )
        items = [export.describe(e, links, **export.answer_fields(e, rsvps[e.id])) for e in events]
    assert feed.body == build(IcsCalendar(items, name="Maya's events", refresh=export.REFRESH))
    assert feed.body.count(b"BEGIN:VEVENT") == 5 and b"Declined" not in feed.body
    assert b"URL:https://rounds.example:8443/mounted/events/" in feed.body


def test_a_repeat_poll_gets_the_same_bytes_from_the_kept_feed(client, going, feed_path, kept):
    first = client.get(feed_path)
    assert kept.built == 1 and len(kept) == 1
    second = client.get(feed_path)
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert kept.built == 1 and len(kept) == 1


def test_a_kept_feed_still_reads_everything_it_shows(client, going, feed_path):
    with counting(db.engine) as first:
        client.get(feed_path)
    with counting(db.engine) as again:
        client.get(feed_path)
    # The link's owner, the latest answer, the events, their specialties,
    # the next meetings of the owner's mentorships.
    assert len(again) == len(first) == 5


def rename_event(session, event):
    event.title = "Morbidity Review"


def answer_maybe(session, event):
    session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id)).state = "maybe"


def answer_not_going(session, event):
    session.scalar(sa.select(Rsvp).where(Rsvp.event_id == event.id)).state = "declined"


def rename_specialty(session, event):
    specialty("Cardiology").name = "Heart and vessels"


def rename_organizer(session, event):
    event.organizer.name = "Grace Lindqvist-Okafor"


def add_specialty(session, event):
    event.specialties.append(specialty("Anesthesiology"))


@pytest.mark.parametrize(
    "change, shows, gone",
    [
        (rename_event, "SUMMARY:Morbidity Review", "SUMMARY:Grand Rounds"),
        (answer_maybe, "STATUS:TENTATIVE", "STATUS:CONFIRMED"),
        (answer_not_going, None, "BEGIN:VEVENT"),
        # The categories keep the specialties' order by name.
        (rename_specialty, "CATEGORIES:Departmental meeting,Clinical research,Heart and vessels", "Cardiology"),
        (rename_organizer, 'ORGANIZER;CN="Grace Lindqvist-Okafor"', 'CN="Grace Lindqvist"'),
        (
            add_specialty,
            "CATEGORIES:Departmental meeting,Anesthesiology,Cardiology,Clinical research",
            "CATEGORIES:Departmental meeting,Cardiology",
        ),
    ],
)
def test_a_change_shows_in_the_next_poll_although_the_feed_was_kept(
    client, session, going, feed_path, change, shows, gone
):
    first = poll(client, feed_path)
    assert poll(client, feed_path) == first  # kept
    assert (shows is None or shows not in first) and gone in first
    # Changed behind the services' back: no stamp or revision moves.
    change(session, session.get(Event, going.id))
    session.commit()
    after = poll(client, feed_path)
    assert (shows is None or shows in after) and gone not in after


def test_a_kept_feed_is_never_served_for_another_host(client, going, feed_path):
    one = client.get(feed_path, headers={"Host": "one.example"}).get_data(as_text=True)
    two = client.get(feed_path, headers={"Host": "two.example"}).get_data(as_text=True)
    assert f"URL:http://one.example/events/{going.id}" in one
    assert f"URL:http://two.example/events/{going.id}" in two


def test_the_kept_feeds_stay_bounded(app, session, going, member, kept):
    with app.test_request_context("/"):
        links = calendar_links()
        for n in range(export.CACHED_FEEDS + 5):
            export.personal_feed(session, member.id, links, utcnow(), f"Feed {n}")
        assert len(kept) == export.CACHED_FEEDS
        # The most recently polled are those kept.
        built = kept.built
        export.personal_feed(session, member.id, links, utcnow(), f"Feed {export.CACHED_FEEDS + 4}")
        assert kept.built == built
        export.personal_feed(session, member.id, links, utcnow(), "Feed 0")
        assert kept.built == built + 1


def test_the_kept_feeds_stay_within_their_size(app, session, going, member, monkeypatch):
    """Large feeds (long descriptions) are kept only while they fit."""
    small = export.feed_cache(export.CACHED_FEEDS, 3 * 2 * 5000)
    monkeypatch.setattr(export, "kept_feeds", small)
    going.description = "A long programme. " * 250  # 4,500 characters
    session.commit()
    with app.test_request_context("/"):
        links = calendar_links()
        feeds = [export.personal_feed(session, member.id, links, utcnow(), f"Feed {n}") for n in range(6)]
    assert all(len(feed.body) > 4500 for feed in feeds)
    assert 1 <= len(small) < 6 and sum(2 * len(feed.body) for feed in small.values()) <= 3 * 2 * 5000


@pytest.mark.parametrize(
    "base_url",
    [
        "http://localhost/",
        "https://rounds.example:8443/",
        "http://hospital.example/rounds/",
        "http://918273645.example/",
    ],
)
def test_event_links_are_the_urls_url_for_builds(app, base_url):
    with app.test_request_context("/", base_url=base_url):
        links = calendar_links()
        for event_id in (1, 42, 918273645, 10**12):
            assert links.event_url(event_id) == url_for("events.show", event_id=event_id, _external=True)
