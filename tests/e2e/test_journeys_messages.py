"""An organizer writes to those going from the attendee sheet, on a 375 px
phone, with the keyboard alone, with JavaScript and without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE
from tests.e2e.site import VARIANTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("variant", VARIANTS)
def test_organizer_writes_to_those_going_from_a_phone_with_the_keyboard(pages, site, signed_in, variant):
    phone = pages.open(
        "message phone", js=variant == "js", viewport=PHONE, storage_state=signed_in(site.organizer_email)
    )
    phone.goto(f"/events/{site.org['later_id']}/attendees")
    form = phone.get_by_role("region", name="Write to people going")
    expect(form.get_by_role("radio", name="Going (1 person will receive it)")).to_be_checked()
    subject = f"Bring your questions ({variant})"

    form.get_by_label("Subject").focus()
    phone.keyboard.type(subject)
    phone.keyboard.press("Tab")
    phone.keyboard.type("We start with ten minutes of questions.")
    phone.keyboard.press("Tab")
    expect(form.get_by_role("button", name="Send")).to_be_focused()
    phone.keyboard.press("Enter")

    expect(phone.get_by_role("main").get_by_role("status").first).to_have_text("Message sent to 1 person.")
    history = phone.get_by_role("region", name="Write to people going").get_by_role("listitem").filter(has_text=subject)
    expect(history).to_contain_text("to going (1 person)")
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]
