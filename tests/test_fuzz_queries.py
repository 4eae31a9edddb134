"""Every query string, fuzzed: the pages that read `request.args` get
arbitrary, huge, malformed, repeated and hostile values.

For each request: never a 500, nothing written, typed text shown as text,
and a search box gives back exactly what was searched for. A test reads
the views' source so that a new query parameter cannot go unfuzzed.
"""
from __future__ import annotations

import inspect
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wtforms.fields.core import UnboundField

from tests import fuzzing
from tests.factories import make_department, make_event, make_rsvp, make_user
from tests.fuzzing import (COVERED, FUZZ, STATS, assert_safe_html, capture_errors, changed_tables, check_ics,
                           forms_on, login_as, snapshot)

#: Every GET endpoint that reads its query string, and the parameters it reads.
QUERY_PARAMS = {
    "events.index": {"q", "kind", "specialty", "department", "start", "end", "scope", "page"},
    "admin.people": {"q", "role", "page"},
    "attendance.sheet": {"q"},
    "introductions.people": {"specialty"},
    "events.new": {"from"},
    "ical.public_feed": {"kind", "specialty", "department"},
    "accounts.login": {"next"},
    "events.show": {"meet"},
}
#: Where each one is, and who asks (role in the world built below).
PAGES = {
    "events.index": ("/events", "intern"),
    "admin.people": ("/admin/people", "admin"),
    "attendance.sheet": ("/events/{event}/attendees", "organizer"),
    "introductions.people": ("/people", "intern"),
    "events.new": ("/events/new", "organizer"),
    "ical.public_feed": ("/calendar/events.ics", None),
    "accounts.login": ("/login", None),
    "events.show": ("/events/{event}", "intern"),
}
#: Search boxes that must give back what was typed (at most 100 characters).
ECHOED = {"events.index": "q", "admin.people": "q", "attendance.sheet": "q"}


def _sources(function, module, seen) -> list[str]:
    """The view's source and that of the module's own functions it calls."""
    function = inspect.unwrap(function)
    if function in seen:
        return []
    seen.add(function)
    source = inspect.getsource(function)
    found = [source]
    for name in set(re.findall(r"\b([A-Za-z_]\w*)\(", source)):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper.__module__ == module.__name__:
            found += _sources(helper, module, seen)
    return found


def params_read_by(view) -> set[str] | None:
    """The query parameters a view reads, or None if it reads none."""
    module = inspect.getmodule(inspect.unwrap(view))
    source = "\n".join(_sources(view, module, set()))
    if "request.args" not in source:
        return None
    names = set(re.findall(r"request\.args\.get\(\s*[\"'](\w+)[\"']", source))
    for loop in re.findall(r"for \w+, \w+ in \(([^\n]*)\):\s*\n\s*value = request\.args\.get\(name\)", source):
        names |= set(re.findall(r"\(\"(\w+)\"", loop))
    for form_name in re.findall(r"(\w+)\(request\.args\)", source):
        form = getattr(module, form_name)
        names |= {name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)}
    return names


def test_every_query_parameter_a_view_reads_is_fuzzed(app):
    read = {}
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        names = params_read_by(view)
        if names is not None:
            read[endpoint] = names
    assert read == QUERY_PARAMS, "update QUERY_PARAMS (and PAGES) in tests/test_fuzz_queries.py"


def build_world() -> dict:
    make_department("Surgery")
    admin = make_user("Samuel Adeyemi", role="admin", stage="attending")
    organizer = make_user("Grace Lindqvist", role="organizer", stage="faculty", interests=["Cardiology"])
    intern = make_user("Maya Okafor", interests=["Cardiology"])
    make_user("Tomás Ferreira", stage="attending", open_to_interns=True, interests=["Cardiology"])
    event = make_event(organizer, interests=["Cardiology"])
    make_rsvp(event, intern)
    return {"admin": admin.id, "organizer": organizer.id, "intern": intern.id, "event": event.id}


def _plausible(name: str):
    """Values the page itself would send, so valid filters combine with bad ones."""
    today = date.today()
    return {
        "kind": st.sampled_from(["meeting", "conference", "social", ""]),
        "scope": st.sampled_from(["upcoming", "past", "mine", ""]),
        "role": st.sampled_from(["member", "organizer", "admin", ""]),
        "start": st.just(today.isoformat()),
        "end": st.just((today + timedelta(days=60)).isoformat()),
        "page": st.sampled_from(["1", "2", "0", "-1", "99999999999999999999"]),
        "next": st.sampled_from(["/events", "//evil.example", "https://evil.example"]),
    }.get(name, st.sampled_from(["1", "2", "3", "Cardio"]))


@st.composite
def query_strings(draw, names: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for name in names:
        how = draw(st.sampled_from(["absent", "plausible", "fuzz", "fuzz", "repeated"]), label=name)
        if how == "plausible":
            pairs.append((name, draw(_plausible(name))))
        elif how == "fuzz":
            pairs.append((name, draw(fuzzing.any_text)))
        elif how == "repeated":
            pairs += [(name, draw(_plausible(name))), (name, draw(fuzzing.any_text))]
    if draw(st.booleans(), label="stray"):
        pairs.append((draw(fuzzing.any_text.filter(bool)), draw(fuzzing.any_text)))
    return pairs


@pytest.mark.parametrize("endpoint", sorted(QUERY_PARAMS))
def test_fuzzed_query_string_never_fails_writes_or_leaks(app, client, endpoint):
    world = build_world()
    errors = capture_errors(app)
    path, role = PAGES[endpoint]
    path = path.replace("{event}", str(world["event"]))
    names = sorted(QUERY_PARAMS[endpoint])
    COVERED["query_endpoints"].add(endpoint)
    COVERED["query_params"].update(f"{endpoint}:{name}" for name in names)

    @settings(FUZZ, max_examples=25)
    @given(pairs=query_strings(names))
    def fuzz(pairs):
        visitor = app.test_client()
        if role is not None:
            login_as(visitor, world[role])
        before = snapshot()
        url = path + "?" + urlencode(pairs)
        response = visitor.get(url)
        STATS["examples"] += 1
        assert response.status_code < 500, f"GET {url[:300]}\n{errors.last()}"
        assert changed_tables(before, snapshot()) == [], f"GET {url[:300]} wrote to the database"
        if response.status_code in (301, 302, 303):
            fuzzing.assert_same_site_redirect(response)
        elif response.mimetype == "text/calendar":
            check_ics(response.data, url)
        elif response.mimetype == "text/html":
            assert_safe_html(response.get_data(as_text=True), url)
        echoed = ECHOED.get(endpoint)
        values = [v for k, v in pairs if k == echoed]
        if response.status_code == 200 and echoed and values:
            shown = [f.fields[echoed].value for f in forms_on(response.get_data(as_text=True))
                     if f.method == "get" and echoed in f.fields]
            assert shown and shown[0] in (values[0], values[0][:100]), f"searched for {values[0]!r:.200}, shown {shown!r:.200}"

    fuzz()
