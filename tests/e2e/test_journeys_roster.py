"""A coordinator imports a class roster in a real browser, with JavaScript
and without: upload, preview (nothing saved yet), import, and the invited
person on the roster list."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in
from tests.e2e.site import VARIANTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_coordinator_uploads_previews_and_imports_a_roster(pages, site, variant):
    admin = pages.open("admin", js=variant == "js")
    log_in(admin, site.admin_email)
    admin.get_by_role("navigation", name="Main").get_by_role("link", name="Program").click()
    admin.get_by_role("navigation", name="Program").get_by_role("link", name="Roster").click()
    expect(admin.get_by_role("heading", name="Import a class roster")).to_be_visible()

    csv = f"Name;E-mail;Career stage\r\nNia Roster {variant};nia.{variant}@hospital.example;Intern\r\n"
    admin.get_by_label(label("Roster file (CSV)")).set_input_files(
        files=[{"name": "interns.csv", "mimeType": "text/csv", "buffer": csv.encode("cp1252")}]
    )
    admin.get_by_role("button", name="Upload and preview").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Preview: interns.csv")
    main = admin.get_by_role("main")
    expect(main).to_contain_text("Nothing has been saved yet.")
    expect(main.get_by_role("status")).to_contain_text("1 new account, each invited by email")

    admin.get_by_role("button", name="Import 1 row").click()
    expect(main.get_by_role("status").first).to_contain_text("Imported: 1 new")
    row = main.get_by_role("row").filter(has_text=f"Nia Roster {variant}")
    expect(row).to_contain_text("Invitation being sent")
    expect(row.get_by_role("button", name=f"Resend Nia Roster {variant}")).to_be_visible()
