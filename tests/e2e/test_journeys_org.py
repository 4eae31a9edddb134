"""What organizers do with their own events, and the door-side pages on a
375 px phone, in a real browser against the real server. Journeys run with
JavaScript and without; the phone checks measure the laid-out page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventsapp.events.timefmt import format_moment
from eventsapp.timeutil import utcnow
from tests.e2e.helpers import PHONE, log_in
from tests.e2e.site import VARIANTS, ZONE

pytestmark = pytest.mark.browser

#: The phone the issue was found on: 375 px wide, 812 px tall.
TALL_PHONE = {"width": PHONE["width"], "height": 812}
#: The attendees of the door drill, in the order people expect: É among the Es.
DOOR_ORDER = ["Bartholomew Fitzgerald-Kowalczyk", "Eli Brandt", "Élodie Côté", "Emma Stone", "Zoe Adams"]


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def flash(page):
    return page.get_by_role("main").get_by_role("status").first


def nav(page):
    return page.get_by_role("navigation", name="Main")


def test_organizer_finds_their_events_and_cancels_and_deletes_after_confirming(pages, site, variant):
    organizer = pages.open("organizer", js=variant == "js")
    log_in(organizer, site.organizer_email)
    lunch = f"Cancelled Lunch Talk {variant}"

    # Events I organize, from the navigation: each event with its counts.
    nav(organizer).get_by_role("link", name="Organizing").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Events I organize")
    row = organizer.get_by_role("main").get_by_role("listitem").filter(has=organizer.get_by_role("heading", name=lunch))
    expect(row.get_by_role("definition")).to_have_text(["2", "0", "0"])  # going, waitlist, checked in
    expect(row.get_by_role("term")).to_have_text(["Going", "Waitlist", "Checked in"])

    # Cancelling asks first, saying who will be told; nothing happens until confirmed.
    row.get_by_role("link", name=lunch, exact=True).click()
    organizer.get_by_role("link", name="Cancel event…").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Cancel this event?")
    expect(organizer.get_by_role("main")).to_contain_text("2 people answered and will be told.")
    organizer.get_by_role("link", name="No, keep it").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text(lunch)
    expect(organizer.get_by_text("This event is cancelled.")).to_have_count(0)
    organizer.get_by_role("link", name="Cancel event…").click()
    organizer.get_by_role("button", name="Yes, cancel the event").click()
    expect(flash(organizer)).to_have_text("The event is cancelled. Everyone who answered will be told.")

    nav(organizer).get_by_role("link", name="Organizing").click()
    expect(row).to_contain_text("Cancelled")

    # Deleting an event nobody answered asks too.
    organizer.goto(f"/events/{site.org['to_delete'][variant]}")
    organizer.get_by_role("link", name="Delete (nobody has answered)…").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Delete this event?")
    organizer.get_by_role("button", name="Yes, delete it").click()
    expect(flash(organizer)).to_have_text("The event is deleted.")
    assert organizer.goto(f"/events/{site.org['to_delete'][variant]}").status == 404


def test_organizer_sees_a_series_and_when_check_in_opens_and_closes(pages, site, variant):
    organizer = pages.open("organizer", js=variant == "js")
    log_in(organizer, site.organizer_email)

    # The series page, from one of its meetings: every meeting, the cancelled one marked.
    organizer.goto(f"/events/{site.org['meeting_ids'][0]}")
    organizer.get_by_role("link", name="All meetings of this series").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Echo Teaching Round")
    meetings = organizer.get_by_role("main").get_by_role("listitem")
    expect(meetings).to_have_count(4)
    expect(meetings.nth(1)).to_contain_text("Cancelled")
    expect(meetings.filter(has_text="Cancelled")).to_have_count(1)
    meetings.nth(2).get_by_role("link").click()
    assert organizer.url.endswith(f"/events/{site.org['meeting_ids'][2]}")

    # Before check-in opens: the sheet says when, and offers no Check in button.
    organizer.goto(f"/events/{site.org['later_id']}/attendees")
    opens = format_moment(site.org["later_opens"], ZONE, utcnow(), " at ")
    expect(organizer.get_by_role("main")).to_contain_text(f"Check-in opens {opens}")
    expect(organizer.get_by_role("button", name=re.compile("^Check in"))).to_have_count(0)

    # Once the event is over, the QR page shows no code.
    organizer.goto(f"/events/{site.org['ended_id']}/qr")
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Check-in is closed")
    expect(organizer.get_by_role("img", name="Check-in code")).to_have_count(0)


def test_my_events_offers_the_members_own_calendar_feed(pages, site, variant):
    member = pages.open("member", js=variant == "js")
    log_in(member, f"lunch-{variant}-1@riverside.example")
    nav(member).get_by_role("link", name="Events", exact=True).click()
    member.get_by_role("link", name="My events").click()
    expect(member.get_by_role("link", name=re.compile("Calendar feed of"))).to_have_count(0)
    member.get_by_role("link", name="Get your own calendar feed of the events you answer").click()
    member.get_by_role("button", name="Create my calendar link").click()
    nav(member).get_by_role("link", name="Events", exact=True).click()
    member.get_by_role("link", name="My events").click()
    own = member.get_by_role("link", name=re.compile("Your own calendar feed"))
    expect(own).to_have_attribute("href", re.compile(r"/calendar/[^/]+\.ics$"))
    assert "events.ics" not in own.get_attribute("href")


# --- Phones ---------------------------------------------------------------------


def _page_width(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollWidth")


def test_attendee_sheet_is_usable_at_the_door_on_a_phone(pages, site, signed_in, variant):
    phone = pages.open(
        "door phone", js=variant == "js", viewport=TALL_PHONE, storage_state=signed_in(site.organizer_email)
    )
    phone.goto(f"/events/{site.org['door_id']}/attendees")
    assert _page_width(phone) <= TALL_PHONE["width"]
    rows = phone.get_by_role("main").get_by_role("row")
    names = [
        rows.nth(i).get_by_role("cell").first.inner_text().split(" Resident")[0].strip() for i in range(1, rows.count())
    ]  # (row 0 holds the column headers)
    assert names == DOOR_ORDER
    for name in DOOR_ORDER:
        button = phone.get_by_role("button", name=f"Check in {name}")
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport(ratio=1)
        box = button.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= TALL_PHONE["width"], (name, box)
    # Each email reads as an address: on one line or two, never a letter per line.
    lines = phone.evaluate("""() => [...document.querySelectorAll('.cell-email')].map(cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size; })""")
    assert lines and max(lines) <= 2, lines


def test_admin_tables_need_no_sideways_scrolling_on_a_phone(pages, site, signed_in):
    phone = pages.open("admin phone", viewport=TALL_PHONE, storage_state=signed_in(site.admin_email))
    for path in ("/admin/people", "/admin/specialties", "/admin/departments"):
        phone.goto(path)
        assert _page_width(phone) <= TALL_PHONE["width"], path
        tables = phone.evaluate(
            "() => [...document.querySelectorAll('.table-wrap, table')].map(t => [t.scrollWidth, t.clientWidth])"
        )
        assert tables and all(scroll <= client for scroll, client in tables), (path, tables)


@pytest.mark.parametrize("who", [None, "intern_email"])
def test_first_event_is_above_the_fold_on_a_phone_with_filters_folded(pages, site, signed_in, variant, who):
    phone = pages.open(
        "events phone",
        js=variant == "js",
        viewport=TALL_PHONE,
        storage_state=signed_in(getattr(site, who)) if who else None,
    )
    phone.goto("/events")
    first = phone.get_by_role("main").get_by_role("listitem").filter(has=phone.get_by_role("heading", level=3)).first
    assert first.bounding_box()["y"] < TALL_PHONE["height"]
    search = phone.get_by_role("search", name="Filter events")
    expect(search).to_be_hidden()
    phone.get_by_text("Filters", exact=True).click()
    expect(search.get_by_role("button", name="Show events")).to_be_visible()
    # Once filtering, the filters stay open.
    phone.goto("/events?kind=social")
    expect(phone.get_by_role("search", name="Filter events")).to_be_visible()


@pytest.mark.parametrize("who", ["intern_email", "organizer_email", "admin_email"])
def test_navigation_takes_at_most_two_rows_on_a_phone(pages, site, signed_in, who):
    phone = pages.open("nav phone", viewport=TALL_PHONE, storage_state=signed_in(getattr(site, who)))
    phone.goto("/events")
    links = nav(phone).get_by_role("link")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    rows = {round(box["y"]) for box in boxes}
    assert len(rows) <= 2, boxes
    height = phone.evaluate("() => document.querySelector('.main-nav').getBoundingClientRect().height")
    assert height <= 2 * max(box["height"] for box in boxes) + 8, height
    assert _page_width(phone) <= TALL_PHONE["width"]
