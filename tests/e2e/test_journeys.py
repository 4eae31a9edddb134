"""What interns, seniors and organizers do, in a real browser against the real
server. Each journey runs twice: with JavaScript, and with JavaScript off
(every core action is a plain link or form). Elements are found the way a
screen reader finds them: by role, accessible name and label."""

from __future__ import annotations

import email
import re
from datetime import datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in, mailed_link
from tests.e2e.site import VARIANTS, ZONE

pytestmark = pytest.mark.browser

NEW_PASSWORD = "stethoscope rounds at dawn"


def flash(page):
    """The message the last action left at the top of the page."""
    return page.get_by_role("main").get_by_role("status").first


def region(page, name: str):
    return page.get_by_role("region", name=name)


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def test_new_intern_finds_a_meeting_and_is_introduced_to_a_senior(pages, site, server, variant):
    v = site.variants[variant]
    intern = pages.open("intern", js=variant == "js")

    # Registers, then picks a specialty interest.
    intern.goto("/")
    intern.get_by_role("main").get_by_role("link", name="Create an account").click()
    intern.get_by_label(label("Full name")).fill(v.intern_name)
    intern.get_by_label(label("Email")).fill(v.intern_email)
    intern.get_by_label(label("Password")).fill(NEW_PASSWORD)
    intern.get_by_label(label("Repeat password")).fill(NEW_PASSWORD)
    intern.get_by_role("button", name="Create account").click()
    expect(intern.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(intern.get_by_role("main")).to_contain_text(f"We sent a mail to {v.intern_email}.")
    expect(intern.get_by_role("main")).to_contain_text("Follow the link we mailed to confirm your address and sign in")

    # Opens the mailed link, proves the account is hers with its password: confirmed and signed in.
    intern.goto(mailed_link(server.database_url, v.intern_email, "/account/confirm/"))
    expect(intern.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    intern.get_by_label(label("Your password")).fill(NEW_PASSWORD)
    intern.get_by_role("button", name="Confirm my address").click()
    expect(flash(intern)).to_have_text("Thank you: your email address is confirmed.")
    expect(intern.get_by_role("region", name="Confirm your email address")).to_have_count(0)
    intern.goto("/profile/edit")
    expect(intern.get_by_role("heading", level=1)).to_have_text("Edit your profile")
    intern.get_by_label(label("Career stage")).select_option(label="Intern")
    intern.get_by_label(label("Department")).select_option(label="Cardiology")
    intern.get_by_role("checkbox", name="Cardiology", exact=True).check()
    # Wants reminders an hour before as well as the day before (24 hours is the default).
    reminders = intern.get_by_label(label("Event reminders"))
    expect(reminders).to_have_value("24 hours")
    reminders.select_option(label="Both: 24 hours and 1 hour before")
    # The weekly digest is on unless she says otherwise.
    expect(intern.get_by_role("checkbox", name="Email me a weekly digest")).to_be_checked()
    intern.get_by_role("button", name="Save profile").click()
    expect(flash(intern)).to_have_text("Your profile is saved.")
    expect(region(intern, "Specialty interests").get_by_role("listitem")).to_have_text(["Cardiology"])
    expect(intern.get_by_text("Event reminders:")).to_contain_text("Both: 24 hours and 1 hour before")

    # Finds the departmental meeting by filtering the event list.
    intern.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    filters = intern.get_by_role("search", name="Filter events")
    filters.get_by_label(label("Kind")).select_option(label="Departmental meeting")
    filters.get_by_label(label("Specialty")).select_option(label="Cardiology")
    filters.get_by_label(label("Department")).select_option(label="Cardiology")
    filters.get_by_role("button", name="Show events").click()
    expect(intern.get_by_role("status").filter(has_text="event")).to_have_text("1 event")
    results = intern.get_by_role("main").get_by_role("heading", level=3)
    expect(results).to_have_text([site.meeting_title])
    assert re.search(r"kind=meeting", intern.url), "the filters are in the address, to bookmark"

    # Answers "going".
    results.get_by_role("link", name=site.meeting_title).click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(site.meeting_title)
    answer = intern.get_by_role("complementary", name="Your answer")
    answer.get_by_role("button", name="I'm going").click()
    expect(flash(intern)).to_have_text("You're going. See you there!")
    expect(answer.get_by_text("Going", exact=True)).to_be_visible()
    expect(answer.get_by_role("button", name="Withdraw")).to_be_visible()
    expect(answer.get_by_role("button", name="I'm going")).to_have_count(0)

    # Downloads the meeting for the calendar: the file holds this meeting, at its time.
    with intern.expect_download() as download:
        intern.get_by_role("link", name="Download .ics").click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == site.meeting_title
    start = vevent.decoded("DTSTART")
    assert start == site.meeting_starts_at
    assert (start.astimezone(ZoneInfo(ZONE)).hour, start.astimezone(ZoneInfo(ZONE)).minute) == (7, 30)

    # Sees the senior going to the same meeting, and why; not the one who never offered.
    meet = region(intern, "Who to meet here")
    suggestion = meet.get_by_role("listitem").filter(has=intern.get_by_role("link", name=site.senior_name))
    expect(suggestion).to_contain_text("Both interested in Cardiology")
    expect(suggestion).not_to_contain_text(site.meeting_title)  # the page's own event goes without saying
    expect(meet).not_to_contain_text("Helen Brandt")
    expect(intern.locator("body")).not_to_contain_text(site.senior_email)

    # Asks for an introduction.
    suggestion.get_by_role("link", name=f"Ask for an introduction to {site.senior_name}").click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(f"Ask to meet {site.senior_name}")
    intern.get_by_label(label("Why would you like to meet?")).fill(
        "I'm starting in cardiology and would love advice on research projects."
    )
    intern.get_by_role("button", name="Send request").click()
    expect(flash(intern)).to_contain_text(f"Your request is on its way to {site.senior_name}.")
    sent = region(intern, "Requests you sent").get_by_role("listitem").filter(has_text=site.senior_name)
    expect(sent).to_contain_text("Waiting for an answer")
    expect(intern.locator("body")).not_to_contain_text(site.senior_email)

    # The senior logs in, reads the request and accepts it.
    senior = pages.open("senior", js=variant == "js")
    log_in(senior, site.senior_email)
    senior.get_by_role("main").get_by_role("link", name="My introductions").click()
    request = region(senior, "Requests for you").get_by_role("listitem").filter(has_text=v.intern_name)
    expect(request).to_contain_text("would love advice on research projects")
    expect(request).to_contain_text("Shared interests: Cardiology")
    expect(senior.locator("body")).not_to_contain_text(v.intern_email)
    request.get_by_role("button", name=f"Accept request from {v.intern_name}").click()
    expect(flash(senior)).to_have_text("Accepted. You can now see each other's email address.")
    connection = region(senior, "My connections").get_by_role("listitem").filter(has_text=v.intern_name)
    expect(connection.get_by_role("link", name=v.intern_email)).to_be_visible()

    # Both now see each other's email address.
    intern.reload()
    connection = region(intern, "My connections").get_by_role("listitem").filter(has_text=site.senior_name)
    expect(connection.get_by_role("link", name=site.senior_email)).to_be_visible()
    expect(sent).to_contain_text("Accepted")


def search_events(page, words: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    search = page.get_by_role("search", name="Filter events")
    search.get_by_label(label("Search")).fill(words)
    search.get_by_role("button", name="Show events").click()


def _local_inputs(moment: datetime) -> tuple[str, str]:
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M")


def test_organizer_runs_a_weekly_meeting_and_checks_in_a_walk_in(pages, site, variant):
    v = site.variants[variant]
    organizer = pages.open("organizer", js=variant == "js")
    log_in(organizer, site.organizer_email)

    # Creates a weekly series whose first meeting starts in a few minutes.
    zone = ZoneInfo(ZONE)
    start = (datetime.now(zone) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = start + timedelta(hours=1)
    organizer.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    organizer.get_by_role("link", name="Create an event").click()
    organizer.get_by_label(label("Title")).fill(v.series_title)
    organizer.get_by_label(label("Kind of event")).select_option(label="Departmental meeting")
    organizer.get_by_label(label("Starts on")).fill(_local_inputs(start)[0])
    organizer.get_by_label(label("Start time")).fill(_local_inputs(start)[1])
    organizer.get_by_label(label("Ends on")).fill(_local_inputs(end)[0])
    organizer.get_by_label(label("End time")).fill(_local_inputs(end)[1])
    expect(organizer.get_by_label(label("Time zone"))).to_have_value(ZONE)
    organizer.get_by_role("radio", name="Weekly, on the same weekday").check()
    organizer.get_by_label(label("Every how many weeks or months")).fill("1")
    until = (start + timedelta(weeks=3)).date()
    organizer.get_by_label(label("Until")).fill(until.isoformat())
    organizer.get_by_label(label("Location")).fill("Heart Center, room 4.12")
    organizer.get_by_label(label("Department")).select_option(label="Cardiology")
    organizer.get_by_role("button", name="Publish event").click()
    expect(flash(organizer)).to_have_text(f"The series is published: Every {start:%A} until {until.day} {until:%b %Y}.")
    expect(organizer.get_by_role("heading", level=1)).to_have_text(v.series_title)

    # Edits the second meeting only: it moves to another room.
    search_events(organizer, v.series_title)
    expect(organizer.get_by_role("status").filter(has_text="event")).to_have_text("4 events")
    meetings = organizer.get_by_role("main").get_by_role("link", name=v.series_title, exact=True)
    meetings.nth(1).click()
    organizer.get_by_role("link", name="Edit event").click()
    organizer.get_by_label(label("Location")).fill("Echo lab, room 2")
    organizer.get_by_role("radio", name="This meeting only").check()
    organizer.get_by_role("button", name="Save changes").click()
    expect(flash(organizer)).to_have_text("Your changes are saved.")
    expect(organizer.get_by_role("definition").filter(has_text="Echo lab")).to_have_text("Echo lab, room 2")
    search_events(organizer, v.series_title)
    rows = (
        organizer.get_by_role("main")
        .get_by_role("listitem")
        .filter(has=organizer.get_by_role("heading", name=v.series_title))
    )
    expect(rows).to_have_count(4)
    expect(rows.filter(has_text="Echo lab, room 2")).to_have_count(1)
    expect(rows.nth(1)).to_contain_text("Echo lab, room 2")
    expect(rows.filter(has_text="Heart Center, room 4.12")).to_have_count(3)

    # Shows the check-in QR code of the first meeting, on the screen at the venue.
    meetings.first.click()
    organizer.get_by_role("link", name="Show the check-in QR code").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Scan to check in")
    expect(organizer.get_by_role("img", name="Check-in code")).to_be_visible()
    organizer.get_by_text("Show the link").click()
    expect(organizer.get_by_role("code")).to_contain_text("/check-in/")

    # Checks in a walk-in who never answered.
    organizer.get_by_role("link", name=f"← {v.series_title}").click()
    organizer.get_by_role("link", name="Attendees and check-in").click()
    walk_in = region(organizer, "Check in a walk-in")
    walk_in.get_by_label(label("Find a member by name")).fill(v.walk_in_name)
    walk_in.get_by_role("button", name="Find").click()
    region(organizer, "Check in a walk-in").get_by_role("button", name=f"Check in {v.walk_in_name}").click()
    expect(flash(organizer)).to_have_text("Checked in.")
    row = organizer.get_by_role("row").filter(has_text=v.walk_in_name)
    expect(row.get_by_role("cell")).to_have_text(
        [re.compile(v.walk_in_name), "Walk-in", re.compile("✓"), re.compile("@")]
    )
    expect(organizer.get_by_role("definition").nth(3)).to_have_text("1")  # "Checked in"


def test_full_event_waitlists_the_next_intern_and_promotes_them(pages, site, server, variant):
    v = site.variants[variant]
    js = variant == "js"
    waiting = pages.open("waitlisted intern", js=js)
    log_in(waiting, v.waitlister_email)
    waiting.goto(f"/events/{v.full_event_id}")
    expect(region(waiting, "Who's going")).to_contain_text("1 going of 1 places")
    answer = waiting.get_by_role("complementary", name="Your answer")
    expect(answer).to_contain_text('This event is full: "going" puts you on the waitlist.')
    answer.get_by_role("button", name="Join the waitlist").click()
    expect(flash(waiting)).to_contain_text("The event is full: you're number 1 on the waitlist.")
    expect(answer.get_by_text("On the waitlist", exact=True)).to_be_visible()
    expect(answer).to_contain_text("You're number 1 on the waitlist.")
    expect(region(waiting, "Who's going")).to_contain_text("1 going of 1 places · 1 on the waitlist")

    # The intern with the seat withdraws.
    seated = pages.open("seated intern", js=js)
    log_in(seated, v.seat_holder_email)
    seated.goto(f"/events/{v.full_event_id}")
    seated.get_by_role("complementary", name="Your answer").get_by_role("button", name="Withdraw").click()
    expect(flash(seated)).to_have_text("Marked as not going.")

    # The next in line now has the seat, and is told.
    waiting.reload()
    expect(answer.get_by_text("Going", exact=True)).to_be_visible()
    expect(answer).not_to_contain_text("waitlist")
    expect(region(waiting, "Who's going")).to_contain_text("1 going of 1 places")
    notifications = waiting.get_by_role("navigation", name="Main").get_by_role("link", name=re.compile("Notifications"))
    expect(notifications).to_have_accessible_name("Notifications 1 unread")
    notifications.click()
    expect(waiting.get_by_role("main").get_by_role("listitem").first).to_contain_text(
        f"You have a place: {v.full_event_title}"
    )
    # ... and by email (once the worker has run), with the event attached for the calendar.
    server.run_worker_once()
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in (server.instance_path / "mail").glob("*.eml")
    ]
    promoted = [
        m for m in mails if m["To"] and v.waitlister_email in m["To"] and m["Subject"].startswith("You have a place")
    ]
    assert len(promoted) == 1, [m["Subject"] for m in mails if v.waitlister_email in (m["To"] or "")]
    assert any(part.get_content_type() == "text/calendar" for part in promoted[0].iter_attachments())
