"""Suggestions and requests in a real browser: a colleague the intern asked
stays in view, with the request's state, wherever they are suggested.
Runs with JavaScript and without."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import label, log_in
from tests.e2e.site import VARIANTS

pytestmark = pytest.mark.browser


def flash(page):
    """The message the last action left at the top of the page."""
    return page.get_by_role("main").get_by_role("status").first


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


def test_a_colleague_asked_shows_as_waiting_everywhere_until_withdrawn(pages, site, variant):
    v = site.variants[variant]
    name = v.suggest_senior_name
    intern = pages.open("intern", js=variant == "js")
    log_in(intern, v.suggest_intern_email)

    def card(where):
        return where.get_by_role("listitem").filter(has=intern.get_by_role("link", name=name, exact=True))

    # People to meet suggests the senior, with an Ask button.
    intern.goto("/people")
    suggestion = card(intern.get_by_role("main"))
    expect(suggestion).to_contain_text("Both interested in Nephrology")
    expect(suggestion).to_contain_text(f"Also going to {v.suggest_event_title}")
    suggestion.get_by_role("link", name=f"Ask for an introduction to {name}").click()
    intern.get_by_label(label("Why would you like to meet?")).fill("I'm curious about nephrology fellowships.")
    intern.get_by_role("button", name="Send request").click()
    expect(flash(intern)).to_contain_text(f"Your request is on its way to {name}.")

    # Back on People to meet: still there, waiting, and no Ask button.
    intern.goto("/people")
    expect(suggestion).to_contain_text("Request sent, waiting")
    expect(suggestion.get_by_role("button", name=f"Withdraw your request to {name}")).to_be_visible()
    expect(suggestion.get_by_role("link", name=re.compile("Ask for an introduction"))).to_have_count(0)

    # The same at the workshop both go to, whose own title the card leaves out.
    intern.goto(f"/events/{v.suggest_event_id}")
    here = card(intern.get_by_role("region", name="Who to meet here"))
    expect(here).to_contain_text("Both interested in Nephrology")
    expect(here).not_to_contain_text(v.suggest_event_title)
    expect(here).to_contain_text("Request sent, waiting")
    expect(here.get_by_role("link", name=re.compile("Ask for an introduction"))).to_have_count(0)

    # And on their profile, where the request is withdrawn: the Ask button is back.
    here.get_by_role("link", name=name, exact=True).click()
    expect(intern.get_by_role("heading", level=1)).to_have_text(name)
    expect(intern.get_by_role("main").get_by_text("Request sent, waiting")).to_be_visible()
    expect(intern.get_by_role("link", name="Ask for an introduction")).to_have_count(0)
    intern.get_by_role("button", name=f"Withdraw your request to {name}").click()
    expect(flash(intern)).to_have_text("Your request is withdrawn.")
    expect(intern.get_by_role("heading", level=1)).to_have_text(name)
    expect(intern.get_by_role("link", name="Ask for an introduction")).to_be_visible()
    expect(intern.get_by_role("main").get_by_text("Request sent, waiting")).to_have_count(0)
