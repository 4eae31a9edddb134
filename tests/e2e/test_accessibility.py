"""The main pages, checked by axe-core in Chromium at desktop and phone
widths (no serious or critical violation), and used on a 375 px phone with
and without JavaScript (no sideways scrolling; the page's main action on
screen, where a thumb can reach it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import DESKTOP, PHONE, TALLY, log_in, missing_tool
from tests.e2e.site import DEMO_COORDINATOR, DEMO_PASSWORD, ROOT

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


@dataclass(frozen=True)
class Screen:
    name: str
    who: str | Callable | None  # whose session: None (visitor), a site attribute holding an email, or site -> email
    path: Callable  # site -> path
    action: tuple[str, str]  # the main action: (role, accessible name)


SCREENS = [
    Screen("home", None, lambda s: "/", ("link", "Create an account")),
    Screen("login", None, lambda s: "/login", ("button", "Log in")),
    Screen("register", None, lambda s: "/register", ("button", "Create account")),
    Screen("forgot-password", None, lambda s: "/forgot-password", ("button", "Send me a link")),
    # (The page of a mailed link to choose a new password: tests/e2e/test_journeys_password.py.)
    # (On a phone the filters fold away: the first events come first.)
    Screen("events", None, lambda s: "/events", ("link", "Cardiology Department Meeting")),
    Screen("event-visitor", None, lambda s: f"/events/{s.meeting_id}", ("link", "Log in to answer")),
    Screen("home-member", "intern_email", lambda s: "/", ("link", "People to meet")),
    Screen("events-member", "intern_email", lambda s: "/events?kind=meeting", ("button", "Show events")),
    Screen("event-member", "intern_email", lambda s: f"/events/{s.meeting_id}", ("button", "I'm going")),
    Screen(
        "people-to-meet", "intern_email", lambda s: "/people", ("link", "Ask for an introduction to Tomás Ferreira")
    ),
    Screen("where-to-meet", "intern_email", lambda s: "/people/where", ("link", "People to meet")),
    Screen(
        "ask-introduction", "intern_email", lambda s: f"/people/{s.senior_id}/introduction", ("button", "Send request")
    ),
    Screen("introductions", "intern_email", lambda s: "/introductions", ("link", "People to meet")),
    Screen("profile", "intern_email", lambda s: "/profile", ("link", "Edit profile")),
    Screen("senior-profile", "intern_email", lambda s: f"/people/{s.senior_id}", ("link", "Ask for an introduction")),
    Screen("profile-edit", "intern_email", lambda s: "/profile/edit", ("button", "Save profile")),
    # An address not confirmed yet: the note on every page, and why there is no Ask button.
    Screen("unconfirmed-profile", "newcomer_email", lambda s: f"/people/{s.senior_id}", ("button", "Resend the link")),
    Screen("notifications", "intern_email", lambda s: "/notifications", ("link", "Notifications")),
    Screen("signed-in", "intern_email", lambda s: "/account/sessions", ("button", "Log out everywhere")),
    Screen("password", "intern_email", lambda s: "/account/password", ("button", "Change password")),
    Screen("mentorships", "senior_email", lambda s: "/mentorships", ("link", "Rui Costa")),
    Screen(
        "mentorship",
        "senior_email",
        lambda s: f"/mentorships/{s.org['mentorship_id']}",
        ("button", "Set next meeting"),
    ),
    Screen(
        "event-organizer", "organizer_email", lambda s: f"/events/{s.meeting_id}", ("link", "Attendees and check-in")
    ),
    Screen("event-new", "organizer_email", lambda s: "/events/new", ("button", "Publish event")),
    Screen("event-edit", "organizer_email", lambda s: f"/events/{s.meeting_id}/edit", ("button", "Save changes")),
    Screen(
        "attendees",
        "organizer_email",
        lambda s: f"/events/{s.org['door_id']}/attendees",
        ("button", "Check in Eli Brandt"),
    ),
    Screen("check-in-qr", "organizer_email", lambda s: f"/events/{s.meeting_id}/qr", ("img", "Check-in code")),
    Screen(
        "events-attendance", "organizer_email", lambda s: "/events/analytics", ("link", "Download the figures (CSV)")
    ),
    Screen("admin-people", "admin_email", lambda s: "/admin/people", ("button", "Search")),
    Screen(
        "admin-remove", "admin_email", lambda s: f"/admin/people/{s.senior_id}/remove", ("button", "Remove the account")
    ),
    Screen("admin-specialties", "admin_email", lambda s: "/admin/specialties", ("link", "Departments")),
    Screen("admin-coordinators", "admin_email", lambda s: "/admin/coordinators", ("button", "Save")),
    Screen("program", "admin_email", lambda s: "/program/", ("link", "Download the table (CSV)")),
    Screen("program-reach", "admin_email", lambda s: "/program/reach", ("link", "The year so far")),
    Screen("program-demand", "admin_email", lambda s: "/program/demand", ("link", "Download the tables (CSV)")),
    Screen("program-events", "admin_email", lambda s: "/program/events", ("link", "The year so far")),
    Screen("program-attendance", "admin_email", lambda s: "/program/attendance", ("button", "Save the requirement")),
    Screen("roster", "admin_email", lambda s: "/roster/", ("button", "Upload and preview")),
    Screen("attendance-record", "intern_email", lambda s: "/attendance/", ("link", "Events")),
    Screen("not-found", None, lambda s: "/events/999999", ("link", "Home")),
    # A speed-mentoring evening, its last round under way and the follow-up answered in part.
    Screen(
        "speed-organizer",
        lambda s: s.org["speed"]["organizer"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/",
        ("link", "Projector screen"),
    ),
    Screen(
        "speed-projector",
        lambda s: s.org["speed"]["organizer"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/screen",
        ("heading", "Round 2 of 2"),
    ),
    Screen(
        "speed-print",
        lambda s: s.org["speed"]["organizer"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/print",
        ("heading", "Per person"),
    ),
    Screen(
        "speed-phone",
        lambda s: s.org["speed"]["intern"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/me",
        ("link", "Whom would you like to meet again?"),
    ),
    Screen(
        "speed-follow-up",
        lambda s: s.org["speed"]["intern"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/follow-up",
        ("button", "Save my answers"),
    ),
    Screen(
        "speed-results",
        lambda s: s.org["speed"]["organizer"],
        lambda s: f"/events/{s.org['speed']['id']}/speed/results",
        ("heading", "Seniors most asked for"),
    ),
]


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at " + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def open_screen(pages, site, signed_in, screen: Screen, viewport: dict, js: bool = True, axe: bool = False):
    email = screen.who(site) if callable(screen.who) else getattr(site, screen.who) if screen.who else None
    state = signed_in(email) if email else None
    page = pages.open(screen.name, viewport=viewport, storage_state=state, js=js, bypass_csp=axe)
    response = page.goto(screen.path(site))
    assert response.status == (404 if screen.name == "not-found" else 200)
    return page


def assert_fits_phone(page, screen: Screen) -> None:
    """No sideways scrolling at 375 px, and the main action fully on screen once scrolled to."""
    TALLY["widths"].add(PHONE["width"])
    width = page.evaluate("() => document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width} px wide"
    role, name = screen.action
    action = (
        page.get_by_role("main")
        .get_by_role(role, name=name)
        .or_(page.get_by_role("navigation", name="Main").get_by_role(role, name=name))
        .first
    )
    # Scroll the page down to it, as a thumb would; never sideways.
    action.evaluate("e => window.scrollBy(0, e.getBoundingClientRect().top - innerHeight / 3)")
    expect(action).to_be_in_viewport(ratio=1)
    box = action.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{role} {name!r} is cut off: {box}"
    # A tap would reach it: the element itself is at its centre, not covered or clipped away.
    action.click(trial=True, timeout=3000)


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
def test_page_is_accessible_and_fits_a_phone(pages, site, signed_in, screen):
    page = open_screen(pages, site, signed_in, screen, DESKTOP, axe=True)
    found = {}
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        TALLY["widths"].add(viewport["width"])
        if AXE.exists():
            found[viewport["width"]] = axe_violations(page)
            TALLY["axe_runs"] += 1
            TALLY["axe_violations"] += len(found[viewport["width"]])
    if found:
        TALLY["axe_pages"].add(screen.name)
    assert not any(found.values()), "\n".join(f"at {width} px:\n{describe(v)}" for width, v in found.items() if v)
    assert_fits_phone(page, screen)
    # The same page with JavaScript off: every page works without it.
    assert_fits_phone(open_screen(pages, site, signed_in, screen, PHONE, js=False), screen)
    TALLY["phone_pages"].add(screen.name)
    if not AXE.exists():
        missing_tool("the phone checks passed; axe-core is not installed: run `make js-reader` (npm ci in tests/js)")


@pytest.mark.parametrize("width", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_program_pages_with_their_charts_pass_axe_on_the_demo_hospital(pages, demo, width):
    """The coordinator's pages on the demo hospital, where every chart has
    something to draw."""
    if not AXE.exists():
        missing_tool("axe-core is not installed: run `make js-reader` (npm ci in tests/js)")
    page = pages.open("coordinator", viewport=width, bypass_csp=True)
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD, site=demo.url)
    for path in ("/program/", "/program/demand", "/program/events", "/program/attendance"):
        page.goto(f"{demo.url}{path}")
        expect(page.locator("figure.chart img").first).to_be_visible()
        found = axe_violations(page)
        TALLY["axe_runs"] += 1
        TALLY["axe_violations"] += len(found)
        TALLY["axe_pages"].add(f"demo {path}")
        assert not found, f"{path}:\n{describe(found)}"
