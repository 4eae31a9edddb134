"""An organizer meets the clocks changing, and a field's length limit, in a
real browser; with JavaScript and without it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in
from tests.e2e.site import VARIANTS, ZONE

pytestmark = pytest.mark.browser


def next_spring_forward() -> date:
    zone, day = ZoneInfo(ZONE), date.today() + timedelta(days=8)
    while (
        datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        <= datetime.combine(day, time(0), tzinfo=zone).utcoffset()
    ):
        day += timedelta(days=1)
    return day


@pytest.mark.parametrize("variant", VARIANTS)
def test_organizer_sees_a_weekly_meeting_move_out_of_the_spring_gap_and_confirms(pages, site, variant):
    organizer = pages.open("organizer", js=variant == "js")
    log_in(organizer, site.organizer_email)
    gap, title = next_spring_forward(), f"Night handover teaching ({variant})"
    organizer.goto("/events/new")
    organizer.get_by_label(label("Title")).fill(title)
    organizer.get_by_label(label("Starts on")).fill((gap - timedelta(days=7)).isoformat())
    organizer.get_by_label(label("Start time")).fill("02:30")
    organizer.get_by_label(label("End time")).fill("03:15")
    organizer.get_by_role("radio", name="Weekly, on the same weekday").check()
    organizer.get_by_label(label("Until")).fill((gap + timedelta(days=7)).isoformat())
    organizer.get_by_label(label("Location")).fill("Ward 5 seminar room")
    organizer.get_by_role("button", name="Publish event").click()

    notice = organizer.get_by_role("alert").filter(has_text="Daylight saving time")
    expect(notice).to_contain_text(
        f"02:30 does not exist on {gap:%A} {gap.day} {gap:%B %Y} in New York "
        "(clocks go forward): it would be 03:30–04:15."
    )
    expect(organizer.get_by_label(label("Start time"))).to_have_value("02:30")  # nothing typed is lost
    organizer.get_by_role("button", name="Confirm times and publish").click()
    expect(organizer.get_by_role("heading", level=1)).to_have_text(title)

    # The meeting on the day the clocks go forward is at 03:30; the others at 02:30.
    organizer.goto(f"/events?q=handover&start={gap.isoformat()}&end={gap.isoformat()}")
    organizer.get_by_role("link", name=title, exact=True).click()
    expect(organizer.get_by_role("main")).to_contain_text(f"{gap:%a} {gap.day} {gap:%b}")
    expect(organizer.get_by_role("main")).to_contain_text("03:30–04:15")


@pytest.mark.parametrize("variant", VARIANTS)
def test_pasted_text_over_the_limit_is_kept_whole_and_refused_in_words(pages, site, variant):
    organizer = pages.open("organizer", js=variant == "js")
    log_in(organizer, site.organizer_email)
    organizer.goto("/events/new")
    title = organizer.get_by_label(label("Title"))
    expect(organizer.locator("#title-hint")).to_have_text("At most 200 characters.")
    title.fill("Grand rounds " * 16)  # 208 characters, as a paste
    expect(title).to_have_value("Grand rounds " * 16)  # not cut at 200
    if variant == "js":
        expect(organizer.locator("#title-count")).to_have_text("8 characters too many")
        title.fill("Grand rounds " * 15)
        expect(organizer.locator("#title-count")).to_have_text("5 characters left")
        title.fill("Grand rounds " * 16)
    organizer.get_by_role("button", name="Publish event").click()
    expect(organizer.get_by_text("Use at most 200 characters.")).to_be_visible()
    expect(organizer.get_by_label(label("Title"))).to_have_value(re.compile(r"^(Grand rounds ){15}Grand rounds\s*$"))
