"""What an admin does with the specialty list, in a real browser: a category
is picked from those in use or added on purpose, and every field of the
admin table shows its whole text, on a desktop and on a 375 px phone. Runs
with JavaScript and with JavaScript off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, PHONE, label, log_in
from tests.e2e.site import VARIANTS

pytestmark = pytest.mark.browser

#: For each name field and category list of the admin table: its text, and
#: whether all of it is on screen (a list is measured with its own font,
#: leaving room for the arrow).
CUT_TEXT = """() => [...document.querySelectorAll("main table input[name=name], main table select")].map(el => {
  const style = getComputedStyle(el);
  if (el.tagName === "INPUT") return [el.value, el.scrollWidth <= el.clientWidth];
  const text = el.selectedOptions[0].text;
  const probe = document.createElement("span");
  probe.style.font = style.font;
  probe.style.whiteSpace = "pre";
  probe.style.position = "absolute";
  probe.textContent = text;
  document.body.append(probe);
  const width = probe.getBoundingClientRect().width;
  probe.remove();
  const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 16;
  return [text, width <= room];
})"""


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def flash(page):
    return page.get_by_role("main").get_by_role("status").first


def assert_every_field_shows_its_text(page, width: int) -> None:
    fields = page.evaluate(CUT_TEXT)
    assert len(fields) > 40  # names and categories of the curated list
    cut = [text for text, whole in fields if not whole]
    assert not cut, f"at {width} px these fields of the admin table cut their text: {cut}"


def open_specialties(pages, site, js: bool, viewport=DESKTOP):
    admin = pages.open(f"admin at {viewport['width']} px", js=js, viewport=viewport)
    log_in(admin, site.admin_email)
    admin.goto("/admin/specialties")
    expect(admin.get_by_role("heading", level=2)).to_have_text("Specialties")
    return admin


def test_admin_adds_a_specialty_in_a_new_category_without_a_typo_becoming_one(pages, site, variant):
    js = variant == "js"
    sports, tropical, new_category = (
        f"Sports medicine {variant}",
        f"Tropical medicine {variant}",
        f"Lifestyle medicine {variant}",
    )
    admin = open_specialties(pages, site, js)
    assert_every_field_shows_its_text(admin, DESKTOP["width"])
    category = admin.get_by_label(label("Category"))
    new_name = admin.get_by_label(label("New category"))

    # The new category's name is asked for once "New category…" is chosen
    # (without JavaScript the field is always there, and only used then).
    if js:
        expect(new_name).to_be_hidden()
    admin.get_by_label(label("Name")).fill(sports)
    category.select_option(label="New category…")
    expect(new_name).to_be_visible()
    if js:
        expect(new_name).to_be_focused()
    new_name.fill(new_category)
    admin.get_by_role("button", name="Add specialty").click()
    expect(flash(admin)).to_have_text(f"Added {sports}.")
    expect(admin.get_by_label(f"Category of {sports}")).to_have_value(new_category)
    expect(category.locator("option", has_text=new_category)).to_have_count(1)

    # The same category typed again with other capitals is refused, and
    # the form keeps what was typed; picking it from the list works.
    admin.get_by_label(label("Name")).fill(tropical)
    category.select_option(label="New category…")
    new_name.fill(new_category.upper())
    admin.get_by_role("button", name="Add specialty").click()
    expect(
        admin.get_by_text(f"There is already a category called {new_category}: choose it from the list.")
    ).to_be_visible()
    expect(new_name).to_be_visible()
    expect(new_name).to_have_value(new_category.upper())
    expect(admin.get_by_label(label("Name"))).to_have_value(tropical)
    category.select_option(label=new_category)
    if js:
        expect(new_name).to_be_hidden()
    admin.get_by_role("button", name="Add specialty").click()
    expect(flash(admin)).to_have_text(f"Added {tropical}.")
    expect(admin.get_by_label(f"Category of {tropical}")).to_have_value(new_category)

    # Moves it to another category from its row of the table.
    admin.get_by_label(f"Category of {tropical}").select_option(label="Medical specialties")
    admin.get_by_role("button", name=f"Save {tropical}").click()
    expect(flash(admin)).to_have_text(f"Saved {tropical}.")
    expect(admin.get_by_label(f"Category of {tropical}")).to_have_value("Medical specialties")

    # Members see the new heading on their profile form.
    admin.goto("/profile/edit")
    group = admin.get_by_role("group", name=new_category)
    expect(group.get_by_label(sports)).to_have_count(1)
    expect(group.get_by_label(tropical)).to_have_count(0)

    # Retired again, so the other journeys see the list they expect.
    admin.goto("/admin/specialties")
    for name in (sports, tropical):
        admin.get_by_role("button", name=f"Retire {name}").click()
        expect(flash(admin)).to_have_text(f"{name} is retired: no longer offered.")


def test_admin_table_fields_show_their_text_on_a_phone(pages, site, variant):
    admin = open_specialties(pages, site, variant == "js", PHONE)
    assert_every_field_shows_its_text(admin, PHONE["width"])
