"""The header every page shares, in a real browser: on a laptop the whole
navigation and one's account menu keep one row for every role, and the
account menu (a <details>) opens from the keyboard with JavaScript and
without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, log_in
from tests.e2e.site import DEMO_PASSWORD, VARIANTS

pytestmark = pytest.mark.browser


def nav(page):
    return page.get_by_role("navigation", name="Main")


def one_row(page) -> None:
    """Every link of the main navigation and the account menu share one row."""
    links = nav(page).get_by_role("link")
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    boxes.append(page.locator(".account-menu > summary").bounding_box())
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) <= 4, boxes
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= DESKTOP["width"]


@pytest.mark.parametrize("who", ["intern", "senior", "organizer", "admin"])
def test_the_navigation_keeps_one_row_on_a_laptop_for_every_demo_role(pages, demo, who):
    # Grace (organizer@) organizes and coordinates the program; Samuel (admin@) administers.
    page = pages.open(f"laptop {who}")
    log_in(page, f"{who}@riverside.example", DEMO_PASSWORD, site=demo.url)
    page.goto(f"{demo.url}/events")
    one_row(page)


def test_the_navigation_keeps_one_row_on_a_laptop_with_a_count_badge(pages, site, signed_in):
    page = pages.open("laptop admin", storage_state=signed_in(site.admin_email))
    page.goto("/events")
    expect(nav(page).get_by_role("link", name="Notifications 12 unread")).to_be_visible()
    one_row(page)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_account_menu_opens_from_the_keyboard_and_logs_out(pages, site, variant):
    page = pages.open("account menu", js=variant == "js")
    log_in(page, site.intern_email)
    log_out = page.get_by_role("button", name="Log out")
    expect(log_out).to_be_hidden()
    page.locator(".account-menu > summary").focus()
    page.keyboard.press("Enter")
    expect(log_out).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="My profile")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Okafor")
    page.locator(".account-menu > summary").click()
    expect(page.get_by_role("link", name="My profile")).to_have_attribute("aria-current", "page")
    if variant == "js":  # tabbing on past its last item closes it: it would cover what has the focus
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")
        for _ in range(4):
            page.keyboard.press("Tab")
        expect(log_out).to_be_hidden()
        page.locator(".account-menu > summary").click()
    log_out.click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()
