"""An organizer reads their events' attendance in a real browser: from
*Organizing* to the figures, each series' chart drawn (an image the page's
policy allows), with no error in the console."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.browser


def test_organizer_opens_their_events_attendance_and_its_chart_draws(pages, site):
    organizer = pages.open("organizer")
    problems = []
    organizer.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    organizer.on("pageerror", lambda error: problems.append(str(error)))
    log_in(organizer, site.organizer_email)

    organizer.goto("/events/organizing")
    organizer.get_by_role("link", name="Your events' attendance").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text("Your events' attendance")
    expect(organizer.get_by_role("heading", name="Echo Teaching Round (series)")).to_be_visible()
    chart = organizer.get_by_role("img", name="A bar chart of the people going to and checked in at each meeting").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    organizer.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=chart.element_handle())
    expect(organizer.get_by_role("table").first).to_be_visible()
    assert problems == []
