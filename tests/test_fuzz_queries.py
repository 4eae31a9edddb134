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

from eventsapp.events.models import Series
from eventsapp.extensions import db
from eventsapp.forms import parse_id
from eventsapp.timeutil import utcnow
from tests import fuzzing
from tests.factories import make_department, make_event, make_rsvp, make_user
from tests.fuzzing import (
    COVERED,
    FUZZ,
    STATS,
    assert_safe_html,
    capture_errors,
    changed_tables,
    check_ics,
    forms_on,
    login_as,
    snapshot,
)

# Hypothesis fuzzing: make test-fast leaves it out.
pytestmark = pytest.mark.slow

#: Every GET endpoint that reads its query string, and the parameters it reads.
QUERY_PARAMS = {
    "events.index": {"q", "kind", "specialty", "department", "start", "end", "scope", "page"},
    "admin.people": {"q", "role", "page"},
    "attendance.sheet": {"q"},
    "attendance.organized": {"scope", "page"},
    "introductions.people": {"specialty"},
    "events.new": {"from"},
    "ical.public_feed": {"kind", "specialty", "department"},
    "accounts.login": {"next"},
    "events.show": {"meet", "going"},
    "program.funnel_svg": {"size"},
    "program.weeks_svg": {"size"},
    "analytics.series_svg": {"size"},
    "program.demand_svg": {"size"},
    "program.events_svg": {"size"},
    "program.attendance_svg": {"size"},
    "roster.index": {"import", "status"},
    "roster.people_csv": {"import", "status"},
    "program.reach": {"page"},
    "program.attendance": {"page"},
    "audit.index": {"action", "person", "from", "to", "page"},
    "audit.download": {"action", "person", "from", "to"},
}
#: Where each one is, and who asks (role in the world built below).
PAGES = {
    "events.index": ("/events", "intern"),
    "admin.people": ("/admin/people", "admin"),
    "attendance.sheet": ("/events/{event}/attendees", "organizer"),
    "attendance.organized": ("/events/organizing", "organizer"),
    "introductions.people": ("/people", "intern"),
    "events.new": ("/events/new", "organizer"),
    "ical.public_feed": ("/calendar/events.ics", None),
    "accounts.login": ("/login", None),
    "events.show": ("/events/{event}", "intern"),
    "program.funnel_svg": ("/program/funnel.svg", "admin"),
    "program.weeks_svg": ("/program/weeks.svg", "admin"),
    "analytics.series_svg": ("/events/analytics/series/{series}.svg", "organizer"),
    "program.demand_svg": ("/program/demand.svg", "admin"),
    "program.events_svg": ("/program/events.svg", "admin"),
    "program.attendance_svg": ("/program/attendance.svg", "admin"),
    "roster.index": ("/roster/", "admin"),
    "roster.people_csv": ("/roster/people.csv", "admin"),
    "program.reach": ("/program/reach", "admin"),
    "program.attendance": ("/program/attendance", "admin"),
    "audit.index": ("/admin/audit/", "admin"),
    "audit.download": ("/admin/audit/audit.csv", "admin"),
}
#: Search boxes that must give back what was typed (at most 100 characters).
ECHOED = {"events.index": "q", "admin.people": "q", "attendance.sheet": "q"}
#: Whole numbers at and past the ends of the databases' integer types
#: (PostgreSQL's 32-bit `integer`, SQLite's 64-bit one), negative ones, and
#: numbers Python's int() reads but a URL means otherwise.
INT_EDGES = [
    "2147483647",
    "2147483648",
    "-2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "1" + "0" * 30,
    "9" * 5000,
    "-1",
    "0",
    "00000000000000000000001",
    "+1",
    "1_000",
    " 7",
    "١٢",
]
#: Parameters naming one row: a number that names none is a 404, as in a path.
ID_PARAMS = {("events.new", "from")}


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
    # (Starting soon: the attendee sheet's walk-in search shows once check-in opens.)
    series = Series(frequency="weekly", interval=1, until=date.today(), timezone="UTC", starts_at=utcnow())
    db.session.add(series)
    event = make_event(organizer, interests=["Cardiology"], starts_in=timedelta(minutes=10), series=series)
    make_rsvp(event, intern)
    ids = {"admin": admin.id, "organizer": organizer.id, "intern": intern.id, "event": event.id}
    return ids | {"series": series.id}


def _plausible(name: str):
    """Values the page itself would send, so valid filters combine with bad ones."""
    today = date.today()
    return {
        "kind": st.sampled_from(["meeting", "conference", "social", ""]),
        "scope": st.sampled_from(["upcoming", "past", "mine", ""]),
        "role": st.sampled_from(["member", "organizer", "admin", ""]),
        "start": st.just(today.isoformat()),
        "end": st.just((today + timedelta(days=60)).isoformat()),
        "page": st.sampled_from(["1", "2", "0", "-1", "99999999999999999999", *INT_EDGES]),
        "next": st.sampled_from(["/events", "//evil.example", "https://evil.example"]),
        "size": st.sampled_from(["phone", "wide", ""]),
    }.get(name, st.sampled_from(["1", "2", "3", "Cardio", *INT_EDGES]))


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
    path = path.replace("{event}", str(world["event"])).replace("{series}", str(world["series"]))
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
            shown = [
                f.fields[echoed].value
                for f in forms_on(response.get_data(as_text=True))
                if f.method == "get" and echoed in f.fields
            ]
            assert shown and shown[0] in (values[0], values[0][:100]), (
                f"searched for {values[0]!r:.200}, shown {shown!r:.200}"
            )

    fuzz()


def test_views_read_whole_numbers_only_through_the_bounded_parsers(app):
    """`type=int` or int() on a query value reaches the database unbounded
    (PostgreSQL's integer ends at 2**31-1, SQLite's at 2**63-1): views use
    eventsapp.forms.parse_id / page_number, and `<int:...>` in paths is
    bounded by its converter."""
    modules = {
        inspect.getmodule(inspect.unwrap(view)) for endpoint, view in app.view_functions.items() if endpoint != "static"
    }
    for module in modules:
        source = inspect.getsource(module)
        assert not re.search(r"type\s*=\s*int\b|\bint\(\s*request\.", source), (
            f"{module.__name__} reads a whole number from the request without a bound"
        )


@pytest.mark.parametrize("endpoint", sorted(QUERY_PARAMS))
def test_huge_and_negative_whole_numbers_in_any_query_parameter(app, client, endpoint):
    world = build_world()
    errors = capture_errors(app)
    path, role = PAGES[endpoint]
    path = path.replace("{event}", str(world["event"])).replace("{series}", str(world["series"]))
    visitor = app.test_client()
    if role is not None:
        login_as(visitor, world[role])
    before = snapshot()
    for name in sorted(QUERY_PARAMS[endpoint]):
        for value in INT_EDGES:
            url = f"{path}?{urlencode({name: value})}"
            response = visitor.get(url)
            STATS["examples"] += 1
            assert response.status_code < 500, f"GET {url[:200]}\n{errors.last()}"
            if (endpoint, name) in ID_PARAMS:
                assert response.status_code == 404, f"GET {url[:200]}: {response.status_code}"
            else:  # a filter or page number that fits nothing is ignored, or explained
                assert response.status_code in (200, 302, 400), f"GET {url[:200]}: {response.status_code}"
    assert changed_tables(before, snapshot()) == []


def test_a_page_number_past_the_end_shows_the_last_page(app, client):
    organizer = make_user(role="organizer", stage="faculty")
    for n in range(app.config["EVENTS_PER_PAGE"] + 1):
        make_event(organizer, title=f"Rounds {n:02d}", starts_in=timedelta(days=1 + n))
    for value in ("2", "2147483648", "9223372036854775808", "1" + "0" * 30):
        page = client.get(f"/events?page={value}").get_data(as_text=True)
        assert "Page 2 of 2" in page, value
    for value in ("-1", "0", "abc", "١٢"):
        assert "Page 1 of 2" in client.get(f"/events?page={value}").get_data(as_text=True), value


#: A variable in a rule's path, as werkzeug writes it: `<name>` or `<converter(args):name>`.
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _takes_an_id(app, match: re.Match) -> bool:
    return app.url_map.converters[match["converter"] or "default"].__name__ == "IdConverter"


def _path_with(app, rule, value: str) -> str:
    """The rule's path with `value` for every whole number in it."""

    def stand_in(match: re.Match) -> str:
        if _takes_an_id(app, match):
            return value
        return {"key": "specialties", "secret": "not-the-secret", "token": "x" * 43}.get(match["name"], "x")

    return _VARIABLE.sub(stand_in, rule.rule)


def test_huge_and_negative_ids_in_any_path_are_404(app, client):
    """Every `<int:...>` of every route, as the admin (who may open any of
    them), with numbers that can be no id, nor spell one (" 7")."""
    world = build_world()
    errors = capture_errors(app)
    login_as(client, world["admin"])
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(_takes_an_id(app, match) for match in _VARIABLE.finditer(rule.rule))
    ]
    assert len(rules) > 15
    before = snapshot()
    for rule in rules:
        for value in [v for v in INT_EDGES if parse_id(v) is None or v != v.strip()]:
            path = _path_with(app, rule, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method)
                STATS["examples"] += 1
                assert response.status_code < 500, f"{method} {path[:200]}\n{errors.last()}"
                assert response.status_code == 404, f"{method} {path[:200]}: {response.status_code}"
    assert changed_tables(before, snapshot()) == []
