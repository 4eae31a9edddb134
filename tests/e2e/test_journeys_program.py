"""The program coordinator on the demo hospital, in a real browser: Grace,
who follows Internal Medicine, answers the program's three questions (how
many interns have a mentor and who has none; where demand goes unmet; which
events lead to introductions) and sees who is below an attendance
requirement. Each page's chart loads as an SVG image and agrees with the
table beside it, and no page logs an error or breaks its
Content-Security-Policy.

The demo draws who came to what from the days around today, so some counts
vary with the date: the journey checks what holds whatever they are (the
picture and the table agree, every name listed is counted), and the demo's
fixed facts (Cardiology's two declines and one expiry) exactly."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, log_in
from tests.e2e.site import DEMO_COORDINATOR, DEMO_PASSWORD
from tests.test_program_charts import texts

pytestmark = pytest.mark.browser

#: Records what each page's own code may have objected to, before any of it runs.
VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


class Watch:
    """A page's console errors, uncaught exceptions, CSP violations and the
    chart images it received."""

    def __init__(self, page):
        self.page, self.errors, self.charts = page, [], {}
        page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)
        page.add_init_script(VIOLATIONS)

    def _response(self, response) -> None:
        parts = urlsplit(response.url)
        if parts.path.startswith("/program/") and parts.path.endswith(".svg"):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            self.charts[path] = (response.status, response.headers.get("content-type", ""))

    def clean(self) -> None:
        """Nothing logged or refused on the page now shown."""
        self.page.wait_for_load_state("load")
        assert self.page.evaluate("window.__violations") == [], self.page.url
        assert self.errors == [], self.page.url


def chart(page, watch: Watch, name: str, phone: bool = False) -> ET.Element:
    """The page's chart `name`: shown, loaded as SVG with a size, and its drawing."""
    image = page.locator(f"img[src='/program/{name}.svg']")
    expect(image).to_be_visible()
    page.wait_for_load_state("load")
    assert image.evaluate("i => i.complete && i.naturalWidth") > 0, name
    path = f"/program/{name}.svg" + ("?size=phone" if phone else "")
    assert image.evaluate("i => new URL(i.currentSrc).pathname + new URL(i.currentSrc).search") == path
    status, kind = watch.charts[path]
    assert status == 200 and kind.startswith("image/svg+xml"), (path, status, kind)
    here = urlsplit(page.url)
    response = page.request.get(f"{here.scheme}://{here.netloc}{path}")
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    return ET.fromstring(response.body())


def cells(row) -> list[str]:
    return [text.strip() for text in row.locator("th, td").all_inner_texts()]


def table(page, selector: str) -> list[list[str]]:
    return [cells(row) for row in page.locator(f"{selector} tbody tr").all()]


def test_coordinator_answers_the_programs_questions_on_the_demo_hospital(pages, demo):
    page = pages.open("coordinator")
    watch = Watch(page)
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD, site=demo.url)  # Grace Lindqvist
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Program").click()
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("The mentoring program")
    expect(main).to_contain_text("Interns in Internal Medicine")

    # How many of this year's interns have a mentor: the funnel, drawn as the table says.
    funnel = table(page, "table[aria-describedby=funnel]")
    registered = int(funnel[0][1])
    assert funnel[0][0] == "Interns registered" and registered > 0
    drawn = chart(page, watch, "funnel")
    assert texts(drawn, "step-label") == [f"{row[1]} ({row[2]})" for row in funnel]
    weeks = table(page, "table[aria-describedby=weeks]")
    assert 0 <= int(weeks[-1][3]) <= registered  # with a mentor this week, of the interns
    chart(page, watch, "weeks")
    watch.clean()

    # Who has none: the interns to reach, by name, each with why.
    main.get_by_role("navigation", name="Program").get_by_role("link", name="Interns to reach").click()
    reach = table(page, "main table")
    expect(main.get_by_role("status")).to_contain_text(f"{len(reach)} intern")
    assert reach and all(row[0] for row in reach)
    expect(main).to_contain_text("Last request declined or expired, none since")  # the demo's turned-down interns
    watch.clean()

    # Where demand is unmet: per specialty, and the picture hides what the table hides.
    main.get_by_role("navigation", name="Program").get_by_role("link", name="Unmet demand").click()
    specialties = table(page, "table[aria-labelledby=specialties]")
    cardiology = next(row for row in specialties if row[0] == "Cardiology")
    assert cardiology[3:] == ["2", "1"]  # the demo's two declines and one expiry by cardiologists
    drawn = chart(page, watch, "demand")
    # The twelve with the most interns interested, as the chart picks them.
    interested = sorted((row for row in specialties if row[1] != "0"), key=lambda r: (-int(r[1]), r[0].casefold()))
    interested = interested[:12]
    assert texts(drawn, "interns-label") == [row[1] for row in interested]
    assert texts(drawn, "room-label") == [row[2] for row in interested]  # "fewer than 5" as the table says
    watch.clean()

    # Which events lead to introductions: the ranking, its leaders drawn.
    main.get_by_role("navigation", name="Program").get_by_role("link", name="Events that make introductions").click()
    events = table(page, "table[aria-describedby=by-event]")
    assert events, "the demo holds events this academic year"
    leading = [row for row in events if row[4] != "0"][:10]
    if leading:
        drawn = chart(page, watch, "events")
        assert texts(drawn, "row-label") == [row[4] for row in leading]
    else:
        expect(main).to_contain_text("No event has led to an introduction yet this year.")
    watch.clean()

    # Who is below an attendance requirement: named, counted, and drawn.
    main.get_by_role("navigation", name="Program").get_by_role("link", name="Attendance").click()
    shares = table(page, "main table")
    below = [row for row in shares if "Below" in row[3]]
    expect(main.get_by_role("status")).to_contain_text(f"{len(below)} of {len(shares)} below their requirement")
    assert shares and all(row[0] for row in below)
    drawn = chart(page, watch, "attendance")
    for number, series in enumerate(dict.fromkeys(row[1] for row in shares), start=1):
        counted = sum(int(t) for t in texts(drawn, f"band-label-{number}") if t)
        assert counted == sum(1 for row in shares if row[1] == series), series
    watch.clean()

    # On a phone the charts are drawn narrower and the page does not scroll sideways.
    page.set_viewport_size(PHONE)
    page.goto(f"{demo.url}/program/demand")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    chart(page, watch, "demand", phone=True)
    watch.clean()


def test_the_programs_tabs_sit_in_two_even_columns_on_a_phone(pages, demo):
    page = pages.open("coordinator phone", viewport=PHONE)
    log_in(page, DEMO_COORDINATOR, DEMO_PASSWORD, site=demo.url)
    page.goto(f"{demo.url}/program/events")
    tabs = page.get_by_role("navigation", name="Program").get_by_role("link")
    boxes = [tabs.nth(i).bounding_box() for i in range(tabs.count())]
    # Even pills, two to a row: the longest name wraps inside its own.
    assert len({round(box["width"]) for box in boxes}) == 1, boxes
    assert len({round(box["x"]) for box in boxes}) == 2, boxes
    assert len({round(box["y"]) for box in boxes}) == (len(boxes) + 1) // 2, boxes
    shown = page.get_by_role("navigation", name="Program").get_by_role("link", name="Events that make introductions")
    expect(shown).to_have_attribute("aria-current", "page")
    expect(shown).to_be_in_viewport()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
