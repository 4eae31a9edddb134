"""What the browser tests share: sizes, logging in, finding a field by its
label, and the counts written to test-artifacts/coverage/browser.txt."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.site import PASSWORD

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000

# Filled as the tests run; conftest writes them out at the end of the session.
TALLY = {
    "journeys": 0,
    "journeys_without_js": 0,
    "axe_pages": set(),
    "axe_runs": 0,
    "axe_violations": 0,
    "widths": set(),
    "phone_pages": set(),
}


def missing_tool(reason: str) -> None:
    """Skip a check whose tool is not installed; with REQUIRE_BROWSER=1 (as CI
    sets it) fail instead, so a browser check can never vanish from a run unseen."""
    if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(f"REQUIRE_BROWSER is set, but {reason}", pytrace=False)
    pytest.skip(reason)


def label(text: str) -> re.Pattern:
    """A field's visible label. (Playwright reads a label's whole text, with
    the required-field asterisk that screen readers skip as aria-hidden.)"""
    return re.compile(rf"^{re.escape(text)}( \*)?$")


def log_in(page, email: str, password: str = PASSWORD, site: str = "") -> None:
    """Log in through the form, as a person would (works without JavaScript);
    `site` is another server's address (the demo hospital's)."""
    page.goto(f"{site}/login")
    page.get_by_label(label("Email")).fill(email)
    page.get_by_label(label("Password")).fill(password)
    page.get_by_role("button", name="Log in").click()
    # The header's log-out button only exists for a signed-in member (folded in the account menu).
    page.get_by_role("button", name="Log out", include_hidden=True).wait_for(state="attached")


def log_out(page) -> None:
    """Open the account menu (one's name in the header) and log out."""
    page.locator(".account-menu > summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Log in")).to_be_visible()


def mailed_link(database_url: str, address: str, path: str) -> str:
    """The newest link to `path...` in mail the site queued for `address`,
    read from the outbox table as the worker would send it."""
    import email
    from email import policy

    import sqlalchemy as sa

    from eventsapp.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as conn:
            messages = conn.execute(
                sa.text("SELECT message FROM outbox_mail WHERE to_address = :to ORDER BY id DESC"), {"to": address}
            ).scalars()
            for raw in messages:
                body = email.message_from_bytes(raw, policy=policy.default).get_body().get_content()
                found = re.search(rf"https?://\S+{re.escape(path)}\S+", body)
                if found:
                    return found.group(0)
    finally:
        engine.dispose()
    raise AssertionError(f"no mail to {address} links {path}")
