"""Signing in with the hospital account, in a real browser: the login
page's button, the provider's own sign-in page (node-oidc-provider, a real
OpenID provider), and back for the first sign-in's two questions. Once
with JavaScript and once without."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Pages
from tests.e2e.helpers import PHONE, TALLY, label, missing_tool
from tests.e2e.site import Server
from tests.e2e.test_accessibility import AXE, axe_violations, describe
from tests.oidc_provider import Provider, free_port

pytestmark = pytest.mark.browser

#: Who signs in at the provider in each run: both new here.
NEWCOMERS = {"js": ("nadia", "Nadia Rahman"), "nojs": ("priya", "Priya Nair")}


@pytest.fixture(scope="module")
def sso_server(databases, tmp_path_factory, browser):
    """The app, set up to sign in at a provider started beside it."""
    root = tmp_path_factory.mktemp("sso")
    url = databases.fresh(root)
    provider_port = free_port()
    settings = {
        "OIDC_ISSUER": f"http://127.0.0.1:{provider_port}",
        "OIDC_CLIENT_ID": "mentor-rounds",
        "OIDC_CLIENT_SECRET": "a-test-only-client-secret",
        "OIDC_PROVIDER_NAME": "Riverside Hospital account",
    }
    try:
        server = Server(url, root / "instance", root / "sso.log", settings)
        try:
            provider = Provider(server.url + "/login/sso/callback", port=provider_port)
            try:
                yield server
            finally:
                provider.stop()
        finally:
            server.stop()
    finally:
        databases.release(url)


@pytest.fixture
def sso_pages(browser, sso_server):
    """Pages on this app (saved, like the other journeys', when a test fails)."""
    opened = Pages(browser, sso_server.url)
    yield opened
    opened.close()


@pytest.mark.parametrize("variant", ["js", "nojs"])
def test_a_new_intern_signs_in_with_the_hospital_account(sso_pages, variant):
    login, name = NEWCOMERS[variant]
    page = sso_pages.open("hospital sign-in", js=variant == "js")
    page.goto("/login")
    page.get_by_role("button", name="Sign in with your Riverside Hospital account").click()
    # The provider's own page: a different site, its own form.
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    # Back here, a first sign-in asks two things.
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    page.get_by_label(label("Career stage")).select_option("Intern")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text(f"Welcome, {name}. Tell colleagues more")).to_be_visible()
    page.get_by_role("button", name="Log out", include_hidden=True).wait_for(state="attached")


def _accessible_on_a_phone(page, name: str) -> None:
    """axe-core finds no serious or critical violation, and nothing scrolls sideways at 375 px."""
    violations = axe_violations(page)
    TALLY["axe_pages"].add(name)
    TALLY["axe_runs"] += 1
    TALLY["axe_violations"] += len(violations)
    assert not violations, describe(violations)
    TALLY["widths"].add(PHONE["width"])
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]


def test_the_hospital_sign_in_pages_are_accessible_on_a_phone(sso_pages):
    if not AXE.exists():
        missing_tool("axe-core is not installed (make test installs it with npm)")
    page = sso_pages.open("hospital sign-in on a phone", viewport=PHONE, bypass_csp=True)
    page.goto("/login")
    _accessible_on_a_phone(page, "login-sso")
    page.get_by_role("button", name="Sign in with your Riverside Hospital account").click()
    page.locator("input[name=login]").fill("omar")
    page.locator("input[name=password]").fill("any password")
    page.get_by_role("button", name="Sign-in").click()
    expect(page.get_by_role("heading", name="Welcome, Omar Haddad")).to_be_visible()
    _accessible_on_a_phone(page, "sso-welcome")
    expect(page.get_by_role("button", name="Continue")).to_be_in_viewport()
