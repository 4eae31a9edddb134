"""Multipart bodies on every POST route: a form sent as multipart/form-data
is read like an ordinary one, and a file part, in any field or beside them,
is refused with a 400 that saves nothing (no form here takes a file; the roster
upload, the one that does, is fuzzed with files in tests/test_roster_fuzz.py).
The random bodies of tests/test_fuzz_forms.py mix both kinds in as well."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from tests.factories import make_user
from tests.fuzzing import STATS, changed_tables, form_posting_to, login_as, snapshot, take_flashes
from tests.multipart import file_part
from tests.test_fuzz_forms import CASES, Case, build_world

# Hypothesis fuzzing: make test-fast leaves it out.
pytestmark = pytest.mark.slow


def _browser_pairs(client, case: Case) -> list[tuple[str, str]]:
    """What the page's form posts when the user fills in the valid values."""
    page = client.get(case.page)
    assert page.status_code == 200, f"GET {case.page}: {page.status_code}"
    form = form_posting_to(page.get_data(as_text=True), urlsplit(case.action).path)
    return [(name, value) for name, f in form.fields.items() for value in case.valid.get(name, f.browser_values())]


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_file_in_any_field_is_refused_and_nothing_saved(app, client, endpoint):
    """A crafted upload where a form expects text (or beside it) is a 400
    that names the problem, on every POST route, whoever sends it."""
    world = build_world()
    make_user(email="maya.okafor.login@hospital.example")
    case = CASES[endpoint](world)
    if case.user is not None:
        login_as(client, case.user)
    pairs = _browser_pairs(client, case)
    variants = [[*pairs[:i], (name, file_part(value)), *pairs[i + 1 :]] for i, (name, value) in enumerate(pairs)]
    variants.append([*pairs, ("attachment", file_part("%PDF-1.4", "scan.pdf"))])
    for data in variants:
        before = snapshot()
        response = client.post(case.action, data=MultiDict(data))
        STATS["file_parts"] += 1
        assert response.status_code == 400, f"POST {case.action} {data!r:.300}: {response.status_code}"
        assert "This form takes no files" in response.get_data(as_text=True)
        assert changed_tables(before, snapshot()) == []


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_form_sent_as_multipart_is_read_like_an_ordinary_one(app, client, endpoint):
    """multipart/form-data (a form with enctype set) without files is still
    a form: each body gets the answer the url-encoded one gets."""
    world = build_world()
    make_user(email="maya.okafor.login@hospital.example")
    answers = []
    for content_type in (None, "multipart/form-data"):
        case = CASES[endpoint](world)  # fresh objects for each post
        visitor = app.test_client()
        if case.user is not None:
            login_as(visitor, case.user)
        response = visitor.post(case.action, data=MultiDict(_browser_pairs(visitor, case)), content_type=content_type)
        answers.append((response.status_code, [category for category, _ in take_flashes(visitor)]))
    assert answers[0] == answers[1]
