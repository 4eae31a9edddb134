"""From an introduction to a mentorship, in a real browser, with and without
JavaScript: the intern asks from the senior's page, the senior accepts, both
say they met, the intern writes goals, the senior logs a meeting and sets
the next one, which shows up in the intern's calendar feed, and the intern
closes the mentorship with thanks."""

from __future__ import annotations

import re
from datetime import date, timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in
from tests.e2e.site import VARIANTS

pytestmark = pytest.mark.browser


def flash(page):
    return page.get_by_role("main").get_by_role("status").first


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def test_a_pair_meets_keeps_a_log_and_closes_their_mentorship(pages, site, variant):
    pair = site.org["connected"][variant]
    js = variant == "js"
    intern, senior = pages.open("intern", js=js), pages.open("senior", js=js)
    log_in(intern, pair["intern"])
    log_in(senior, pair["senior"])

    # The intern finds the senior among People to meet and asks, from the senior's page.
    intern.goto("/people")
    intern.get_by_role("main").get_by_role("link", name=pair["senior_name"], exact=True).first.click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(pair["senior_name"])
    intern.get_by_role("link", name="Ask for an introduction").click()
    intern.get_by_label(label("Why would you like to meet?")).fill("Could we talk about rheumatology after clinic?")
    intern.get_by_role("button", name="Send request").click()
    expect(flash(intern)).to_contain_text(f"Your request is on its way to {pair['senior_name']}.")

    # The senior accepts.
    senior.goto("/introductions")
    senior.get_by_role("button", name=f"Accept request from {pair['intern_name']}").click()
    expect(flash(senior)).to_have_text("Accepted. You can now see each other's email address.")

    # Both open "Did you meet?" and answer: we met. The senior's answer begins the mentorship.
    intern.goto("/introductions")
    intern.get_by_role("link", name="Did you meet?").click()
    senior.get_by_role("link", name="Did you meet?").click()
    senior.get_by_role("radio", name="We met").check()
    senior.get_by_role("button", name="Answer").click()
    expect(flash(senior)).to_have_text("Thank you. Your mentorship page is ready.")
    expect(senior.get_by_role("heading", level=1)).to_have_text(f"Mentorship with {pair['intern_name']}")
    mentorship_path = senior.url.split("#")[0].removeprefix(site_url(senior))
    intern.get_by_role("radio", name="We met").check()
    intern.get_by_role("button", name="Answer").click()
    expect(flash(intern)).to_have_text("Thank you. Your mentorship page is ready.")
    assert intern.url.split("#")[0].endswith(mentorship_path)  # the same mentorship, not a second one

    # The intern hears of the senior's answer, and writes their goals.
    intern.goto("/notifications")
    expect(intern.get_by_role("main")).to_contain_text(f"{pair['senior_name']} says you met")
    intern.goto("/introductions")
    intern.get_by_role("link", name="Your mentorship page").click()
    intern.get_by_label(label("Your goals and expectations")).fill("Decide on a cardiology fellowship.")
    intern.get_by_role("button", name="Save goals").click()
    expect(flash(intern)).to_have_text("Your goals are saved.")

    # The senior logs yesterday's coffee with a private note, and sets the next meeting.
    senior.goto(mentorship_path)
    expect(senior.get_by_role("main")).to_contain_text("Decide on a cardiology fellowship.")
    log = senior.locator("form").filter(has=senior.get_by_role("button", name="Log meeting"))
    log.get_by_label(label("Date you met")).fill((date.today() - timedelta(days=1)).isoformat())
    log.get_by_label(label("Where")).select_option(label="Over coffee")
    log.get_by_label(label("Your private note")).fill("Worried about nights; suggest the wellness group.")
    log.get_by_role("button", name="Log meeting").click()
    expect(flash(senior)).to_have_text("The meeting is in your log.")
    upcoming = senior.locator("form").filter(has=senior.get_by_role("button", name="Set next meeting"))
    next_day = date.today() + timedelta(days=14)
    upcoming.get_by_label(label("Date")).fill(next_day.isoformat())
    upcoming.get_by_label(label("Time")).fill("07:30")
    upcoming.get_by_label(label("Where")).fill("Cardiology office")
    upcoming.get_by_role("button", name="Set next meeting").click()
    expect(flash(senior)).to_have_text("Your next meeting is set. It is in both your calendars.")

    # The intern sees the meeting, never the senior's note, and finds the next one in their feed.
    intern.goto(mentorship_path)
    expect(intern.get_by_role("main")).to_contain_text("Over coffee")
    expect(intern.get_by_role("main")).not_to_contain_text("wellness group")
    intern.goto("/profile")
    intern.get_by_role("button", name="Create my calendar link").click()
    feed_url = intern.get_by_label("Your private calendar link").input_value()
    calendar = icalendar.Calendar.from_ical(intern.request.get(feed_url).body())
    (meeting,) = [e for e in calendar.walk("VEVENT") if str(e["SUMMARY"]).startswith("Mentorship meeting")]
    assert str(meeting["SUMMARY"]) == f"Mentorship meeting with {pair['senior_name']}"
    assert meeting.decoded("DTSTART").date() == next_day and str(meeting["LOCATION"]) == "Cardiology office"

    # The intern closes the mentorship with a thank-you; the senior is told.
    intern.goto(mentorship_path)
    intern.get_by_role("radio", name="We reached our goals").check()
    intern.get_by_label(label("A thank-you (optional)")).fill("Thank you for the advice!")
    intern.get_by_role("button", name="Close the mentorship").click()
    expect(flash(intern)).to_have_text("The mentorship is closed.")
    expect(intern.get_by_role("button", name="Save goals")).to_have_count(0)
    senior.goto("/notifications")
    expect(senior.get_by_role("main")).to_contain_text(f"{pair['intern_name']} closed your mentorship")


def site_url(page) -> str:
    return re.match(r"^https?://[^/]+", page.url).group(0)


def test_a_senior_accepts_an_intern_seeing_what_they_share_invites_them_and_the_intern_goes(pages, site, variant):
    asking = site.org["asking"][variant]
    js = variant == "js"
    intern, senior = pages.open("intern", js=js), pages.open("senior", js=js)
    log_in(senior, asking["senior"])
    log_in(intern, asking["intern"])

    # The navigation's count leads the senior to the request, with what they share and the event both go to.
    senior.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("People to meet")).click()
    expect(senior.get_by_role("heading", level=1)).to_have_text("Interns who would like to meet you")
    request = senior.get_by_role("listitem").filter(has_text=asking["intern_name"])
    expect(request).to_contain_text("You share: Dermatology")
    expect(request).to_contain_text(f"You're both going to: {asking['event']}")
    request.get_by_role("button", name=f"Accept request from {asking['intern_name']}").click()
    expect(flash(senior)).to_have_text("Accepted. You can now see each other's email address.")

    # From the connections list, the senior invites the intern to the workshop.
    senior.goto("/introductions")
    senior.get_by_role("link", name=f"Invite {asking['intern_name']} to an event").click()
    events = senior.get_by_label(label("Which event"))
    events.select_option(value=events.locator("option", has_text=asking["event"]).get_attribute("value"))
    senior.get_by_label(label("A short note (optional)")).fill("Come and find me at the break.")
    senior.get_by_role("button", name="Send the invitation").click()
    expect(flash(senior)).to_have_text(f"{asking['intern_name']} is invited. You'll be told their answer.")

    # The intern opens the notice and answers going; the senior hears it.
    intern.goto("/notifications")
    intern.get_by_role("button", name=re.compile(f"invites you to {re.escape(asking['event'])}")).click()
    expect(intern.get_by_role("main")).to_contain_text("Come and find me at the break.")
    intern.get_by_role("button", name="Going", exact=True).click()
    expect(flash(intern)).to_have_text("Your answer is sent.")
    expect(intern.get_by_role("main")).to_contain_text("Your answer: Going")
    senior.goto("/notifications")
    expect(senior.get_by_role("main")).to_contain_text(f"{asking['intern_name']} is going to {asking['event']}")
