"""A member's own home page, in a real browser: an intern finds their next
event and whom to meet there, opens a notification (which is then read) and
asks for an introduction; the senior sees the request waiting, counted in
the navigation. Each journey runs with JavaScript and without."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventsapp import create_app
from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.notifications.models import Notification
from tests.e2e.helpers import label, log_in
from tests.e2e.site import VARIANTS, ZONE, add_event, at_local
from tests.factories import make_rsvp, make_user

pytestmark = pytest.mark.browser

#: An interest no other journey uses, so these people are suggested to nobody else.
INTEREST = "Palliative care"


def _people(server, tmp_path_factory) -> dict[str, dict[str, str]]:
    """Per run, an intern and a senior who share INTEREST and go to the same
    meeting, and a notification for the intern, added to the served database."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": server.database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("home-seed")),
            "SECRET_KEY": secrets.token_hex(32),
            "APP_TIMEZONE": ZONE,
        }
    )
    people = {}
    with app.app_context():
        try:
            organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
            for n, variant in enumerate(VARIANTS):
                intern = make_user(
                    f"Rosa Home {variant}",
                    email=f"home-intern-{variant}@riverside.example",
                    stage="intern",
                    interests=[INTEREST],
                )
                senior = make_user(
                    f"Dr Kwame Home {variant}",
                    email=f"home-senior-{variant}@riverside.example",
                    stage="attending",
                    open_to_interns=True,
                    interests=[INTEREST],
                )
                rounds = add_event(
                    organizer,
                    f"Palliative Care Rounds {variant}",
                    "meeting",
                    at_local(4 + n, 12),
                    interests=(INTEREST,),
                    location="Hospice wing",
                )
                make_rsvp(rounds, intern)
                make_rsvp(rounds, senior)
                notice = f"Palliative Care Rounds {variant} moved to the Hospice wing"
                db.session.add(
                    Notification(
                        user_id=intern.id,
                        kind="event_changed",
                        event_id=rounds.id,
                        message=notice,
                        link=f"/events/{rounds.id}",
                    )
                )
                db.session.commit()
                people[variant] = {
                    "intern": intern.name,
                    "intern_email": intern.email,
                    "senior": senior.name,
                    "senior_email": senior.email,
                    "event": rounds.title,
                    "notice": notice,
                }
        finally:
            db.session.remove()
            db.engine.dispose()
    return people


@pytest.fixture(scope="module")
def home_people(server, tmp_path_factory):
    return _people(server, tmp_path_factory)


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def region(page, name: str):
    return page.get_by_role("region", name=name)


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def test_intern_and_senior_each_find_their_own_page(pages, home_people, variant):
    who = home_people[variant]
    intern = pages.open("intern", js=variant == "js")
    log_in(intern, who["intern_email"])

    # Home is the intern's own page: the next event, whom to meet there, the unread notice.
    expect(intern.get_by_role("heading", level=1)).to_have_text(f"Hello, {who['intern']}")
    expect(intern.get_by_role("link", name="Create an account")).to_have_count(0)
    event = region(intern, "Your next events").get_by_role("listitem").filter(has_text=who["event"])
    expect(event).to_contain_text("Who to meet there")
    expect(event.get_by_role("link", name=who["senior"])).to_be_visible()
    expect(main_nav(intern).get_by_role("link", name="Notifications 1 unread")).to_be_visible()
    unread = region(intern, "Unread notifications")

    # Opening the notice leads to the event and marks it read.
    unread.get_by_role("button", name=f"Unread: {who['notice']}").click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(who["event"])
    expect(main_nav(intern).get_by_role("link", name="Notifications", exact=True)).to_be_visible()
    main_nav(intern).get_by_role("link", name="Home").click()
    expect(region(intern, "Unread notifications")).to_contain_text("You're all caught up")
    main_nav(intern).get_by_role("link", name="Notifications").click()
    expect(intern.get_by_role("button", name=who["notice"], exact=True)).to_be_visible()  # read: no "Unread:"

    # Asks the senior met there for an introduction; home lists it as waiting.
    main_nav(intern).get_by_role("link", name="Home").click()
    region(intern, "Your next events").get_by_role("link", name=who["senior"]).click()
    intern.get_by_role("link", name="Ask for an introduction").click()
    intern.get_by_label(label("Why would you like to meet?")).fill("Could I join you on a hospice ward round?")
    intern.get_by_role("button", name="Send request").click()
    main_nav(intern).get_by_role("link", name="Home").click()
    sent = region(intern, "Your open requests").get_by_role("listitem").filter(has_text=who["senior"])
    expect(sent).to_contain_text("Waiting for an answer")

    # The senior sees the request waiting, counted in the navigation, and answers it.
    senior = pages.open("senior", js=variant == "js")
    log_in(senior, who["senior_email"])
    waiting = main_nav(senior).get_by_role("link", name="People to meet 1 introduction request waiting for your answer")
    expect(waiting).to_be_visible()
    request = region(senior, "Requests waiting for you").get_by_role("listitem").filter(has_text=who["intern"])
    expect(request).to_contain_text("Could I join you on a hospice ward round?")
    waiting.click()
    expect(senior.get_by_role("heading", level=1)).to_have_text("Interns who would like to meet you")
    answer = region(senior, "Requests waiting for your answer")
    answer.get_by_role("button", name=f"Accept request from {who['intern']}").click()
    expect(main_nav(senior).get_by_role("link", name="People to meet", exact=True)).to_be_visible()
    main_nav(senior).get_by_role("link", name="Home").click()
    expect(region(senior, "Requests waiting for you")).to_contain_text("No requests waiting for you")
