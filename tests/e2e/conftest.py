"""Browser fixtures: one real server and one Chromium for the whole run, a
new browser context (cookies, JavaScript setting, width) for every page a
test opens. When a test fails (in its body or while its fixtures start the
server or log in), test-artifacts/e2e-failures/<test name>/ gets the server's
gunicorn log (server.log) and a screenshot and the HTML of each page it opened.
Without chromium the tests are skipped, or fail with REQUIRE_BROWSER=1."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date, timedelta

import pytest

from tests.e2e.helpers import DESKTOP, TALLY, TIMEOUT_MS, log_in, missing_tool
from tests.e2e.site import ROOT, Server, seed, seed_demo

CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
FAILURES = ROOT / "test-artifacts" / "e2e-failures"
COVERAGE = ROOT / "test-artifacts" / "coverage" / "browser.txt"
#: The running (or failed) server's gunicorn log, set before the server starts.
SERVER_LOG: dict[str, object] = {"path": None}


@pytest.fixture(scope="session")
def site_server(databases, tmp_path_factory):
    """A fresh, seeded database (SQLite or, with TEST_DATABASE_URL, PostgreSQL) served by gunicorn."""
    if CHROMIUM is None:
        missing_tool("chromium is not installed (apt-get install chromium); the browser tests need it")
    root = tmp_path_factory.mktemp("e2e")
    url = databases.fresh(root)
    try:
        site = seed(url, str(root / "seed-instance"))
        SERVER_LOG["path"] = root / "gunicorn.log"
        server = Server(url, root / "instance", SERVER_LOG["path"])
        try:
            yield site, server
        finally:
            server.stop()
    finally:
        databases.release(url)


@pytest.fixture(scope="session")
def demo(databases, tmp_path_factory, browser):
    """The demo hospital (`flask seed-demo`) served by gunicorn, its academic
    year begun a month or two ago (as tests/test_program_demand.py sets it),
    so that what the demo seeds around today falls in it."""
    root = tmp_path_factory.mktemp("demo")
    url = databases.fresh(root)
    begun = (date.today().replace(day=1) - timedelta(days=40)).replace(day=1)
    try:
        seed_demo(url, str(root / "seed-instance"))
        server = Server(url, root / "instance", root / "demo.log", {"PROGRAM_YEAR_START": begun.strftime("%m-%d")})
        try:
            yield server
        finally:
            server.stop()
    finally:
        databases.release(url)


@pytest.fixture(scope="session")
def site(site_server):
    return site_server[0]


@pytest.fixture(scope="session")
def server(site_server):
    return site_server[1]


@pytest.fixture(scope="session")
def browser(site_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Pages:
    """Opens pages, each in a context of its own (a separate person's browser)."""

    def __init__(self, browser, base_url: str):
        self.browser, self.base_url = browser, base_url
        self.opened: list[tuple[str, object]] = []
        self._contexts = []

    def open(
        self, label: str, *, js: bool = True, viewport: dict = DESKTOP, storage_state=None, bypass_csp: bool = False
    ):
        """`bypass_csp` lets a test inject its own script (axe-core) past the
        site's Content-Security-Policy; the site's pages never need it."""
        context = self.browser.new_context(
            base_url=self.base_url,
            java_script_enabled=js,
            viewport=viewport,
            accept_downloads=True,
            storage_state=storage_state,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        self._contexts.append(context)
        page = context.new_page()
        self.opened.append((label, page))
        return page

    def close(self) -> None:
        for context in self._contexts:
            context.close()


@pytest.fixture
def pages(browser, server):
    opened = Pages(browser, server.url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def signed_in(browser, server):
    """Storage state (cookies) of each person, logged in once through the form."""
    states = {}

    def state_for(email: str):
        if email not in states:
            context = browser.new_context(base_url=server.url)
            context.set_default_timeout(TIMEOUT_MS)
            try:
                log_in(context.new_page(), email)
                states[email] = context.storage_state()
            finally:
                context.close()
        return states[email]

    return state_for


def pytest_sessionfinish(session):
    """One line per database (CI runs SQLite, then PostgreSQL); a run
    replaces its own database's line and keeps the other's."""
    if FAILURES.is_dir() and not any(FAILURES.iterdir()):
        FAILURES.rmdir()
    if not TALLY["journeys"] and not TALLY["axe_runs"]:
        return
    backend = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL") else "SQLite"
    widths = " and ".join(f"{w}" for w in sorted(TALLY["widths"]))
    line = (
        f"[{backend}] Browser (Chromium): {TALLY['journeys']} journeys passed, "
        f"{TALLY['journeys_without_js']} of them with JavaScript off; axe-core on "
        f"{len(TALLY['axe_pages'])} pages ({TALLY['axe_runs']} runs at {widths} px): "
        f"{TALLY['axe_violations']} serious or critical violations; {len(TALLY['phone_pages'])} pages "
        f"fit 375 px with and without JavaScript"
    )
    COVERAGE.parent.mkdir(parents=True, exist_ok=True)
    kept = [
        old
        for old in (COVERAGE.read_text().splitlines() if COVERAGE.exists() else [])
        if old.startswith("[") and not old.startswith(f"[{backend}]")
    ]
    COVERAGE.write_text("\n".join(sorted(kept + [line])) + "\n")


def safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text)


def _page_objects(item):
    """The pages of this test's fixtures: a Playwright Page or our Pages opener."""
    found = []
    for name, value in getattr(item, "funcargs", {}).items():
        if isinstance(value, Pages):
            found += value.opened
        elif type(value).__name__ == "Page" and hasattr(value, "screenshot"):
            found.append((name, value))
    return found


def save_failure(item, report, folder) -> None:
    """The server's log and every page the test opened, into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    log = SERVER_LOG["path"]
    if log is not None and log.exists():
        shutil.copyfile(log, folder / "server.log")
    for n, (label, page) in enumerate(_page_objects(item), start=1):
        stem = folder / f"{n}-{safe_name(label)}"
        try:
            page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
            stem.with_suffix(".html").write_text(f"<!-- {page.url} -->\n" + page.content())
        except Exception as exc:  # a closed page must not hide the real failure
            stem.with_suffix(".txt").write_text(f"could not save the page: {exc}\n")
    if not any(folder.iterdir()):
        folder.rmdir()
    else:
        report.sections.append((f"browser failure ({report.when})", f"saved in {folder.relative_to(ROOT)}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    folder = FAILURES / safe_name(item.name)
    if report.when == "setup":
        shutil.rmtree(folder, ignore_errors=True)  # what an earlier run left
    if report.failed:  # in the test, or in a fixture: starting the server, logging in
        save_failure(item, report, folder)
    elif (
        report.passed and report.when == "call" and item.module.__name__.rpartition(".")[2].startswith("test_journeys")
    ):
        TALLY["journeys"] += 1
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("variant") == "nojs":
            TALLY["journeys_without_js"] += 1
    return report
