"""A member who forgot their password, in a real browser: from the login
page to a mailed link, a new password, and signed in; with JavaScript and
without. The link's page passes axe-core and fits a 375 px phone."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect

from eventsapp import create_app
from eventsapp.extensions import db
from tests.e2e.helpers import DESKTOP, PHONE, TALLY, label, log_in, log_out, mailed_link
from tests.e2e.site import VARIANTS, ZONE
from tests.e2e.test_accessibility import AXE, Screen, assert_fits_phone, axe_violations, describe
from tests.factories import make_user

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lantern by the night desk"
SENT = "If an account uses that address, we have sent it a link to choose a new password."


@pytest.fixture(scope="module")
def forgetful(server, tmp_path_factory) -> dict[str, str]:
    """Per run, a member of their own: choosing a password ends their other logins."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": server.database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("password-seed")),
            "SECRET_KEY": secrets.token_hex(32),
            "APP_TIMEZONE": ZONE,
        }
    )
    with app.app_context():
        try:
            return {
                run: make_user(f"Frida Forgetful {run}", email=f"forgetful-{run}@riverside.example").email
                for run in (*VARIANTS, "axe")
            }
        finally:
            db.session.remove()
            db.engine.dispose()


def ask_for_a_link(page, address: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label(label("Email")).fill(address)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text(SENT)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_member_who_forgot_their_password_chooses_a_new_one_from_the_mail(pages, server, forgetful, variant):
    address = forgetful[variant]
    member = pages.open("member", js=variant == "js")
    ask_for_a_link(member, address)

    member.goto(mailed_link(server.database_url, address, "/reset-password/"))
    expect(member.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    member.get_by_label(label("New password")).fill(NEW_PASSWORD)
    member.get_by_label(label("Repeat new password")).fill(NEW_PASSWORD)
    member.get_by_role("button", name="Set my new password").click()
    expect(member.get_by_role("main").get_by_role("status").first).to_have_text(
        "Your new password is set, and you are logged in. Every other device is logged out."
    )
    log_out(member)

    # The new password opens the account; the link, used, no longer does anything.
    log_in(member, address, NEW_PASSWORD)
    member.goto(mailed_link(server.database_url, address, "/reset-password/"))
    expect(member.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(member.get_by_role("link", name="Ask for a new link")).to_be_visible()


def test_the_page_of_the_mailed_link_passes_axe_and_fits_a_phone(pages, server, forgetful):
    """(The page asking for the link is in test_accessibility.py's list: this one needs a link.)"""
    ask_for_a_link(pages.open("forgot"), forgetful["axe"])
    link = mailed_link(server.database_url, forgetful["axe"], "/reset-password/")
    screen = Screen("reset-password", None, lambda s: link, ("button", "Set my new password"))
    page = pages.open(screen.name, bypass_csp=True)
    assert page.goto(link).status == 200
    found = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        if AXE.exists():
            found[viewport["width"]] = axe_violations(page)
            TALLY["axe_runs"] += 1
            TALLY["axe_violations"] += len(found[viewport["width"]])
    if found:
        TALLY["axe_pages"].add(screen.name)
    assert not any(found.values()), "\n".join(f"at {w} px:\n{describe(v)}" for w, v in found.items() if v)
    assert_fits_phone(page, screen)
    without_js = pages.open(screen.name, viewport=PHONE, js=False)
    assert without_js.goto(link).status == 200  # opening the link writes nothing: it still works
    assert_fits_phone(without_js, screen)
    TALLY["phone_pages"].add(screen.name)
