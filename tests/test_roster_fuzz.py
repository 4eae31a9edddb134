"""The roster reader fuzzed: any encoding Excel writes, either delimiter,
formula-like cells, duplicate and case-variant addresses, garbage rows and
10,000-row files. It never raises but RosterFileError, every row gets a
status, and planning the file again after importing it finds nothing to do."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from eventsapp.roster.parsing import RosterFileError, parse
from eventsapp.roster.planning import Action, Member, plan
from eventsapp.text import clean
from tests.test_roster_parsing import CATALOGUE

STAGES = ["Intern", "intern", "Resident", "Faculty", "Attending", "Medical student", "Wizard", ""]
NAMES = st.one_of(
    st.sampled_from(["Ana Lima", "Zoë Müller", "=SUM(A1:A2)", "+44 Ann", "-Ann", "@Ann", "O'Brien, Pat", "  "]),
    st.text(max_size=30),
)
EMAILS = st.one_of(
    st.sampled_from(["ana@hospital.example", "ANA@Hospital.example", "bo@hospital.example", "not-an-email", ""]),
    st.from_regex(r"[a-z]{1,8}@hospital\.example", fullmatch=True),
    st.text(max_size=20),
)
ROW = st.tuples(
    NAMES,
    EMAILS,
    st.sampled_from(STAGES),
    st.sampled_from(["", "1", "2", "PGY-3", "9", "x"]),
    st.sampled_from(["", "Surgery", "internal medicine", "Podiatry"]),
    st.sampled_from(["", "Cardiology", "cardiology|Oncology", "Knitting", "Oncology; Cardiology"]),
)


def encode(rows, *, delimiter: str, encoding: str) -> bytes | None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Name", "Email", "Career stage", "PGY", "Department", "Interests"])
    writer.writerows(rows)
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return None  # Windows-1252 cannot hold every character: Excel would not write it so


def reimport_finds_nothing_to_do(rows) -> None:
    first = plan(rows, CATALOGUE, {}, None)
    members = {}
    for n, planned in enumerate(first, start=1):
        if planned.result is not None:
            members[planned.result.email] = Member(**{**planned.result.__dict__, "user_id": n})
    again = plan(rows, CATALOGUE, members, None)
    assert {p.action for p in again} <= {Action.UNCHANGED, Action.ERROR}
    assert [p.action == Action.ERROR for p in again] == [p.action == Action.ERROR for p in first]


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(ROW, min_size=1, max_size=25),
    delimiter=st.sampled_from([",", ";"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_any_excel_file_gets_a_status_for_every_row_and_imports_once(rows, delimiter, encoding):
    data = encode(rows, delimiter=delimiter, encoding=encoding)
    if data is None:
        return
    try:
        parsed = parse(data)
    except RosterFileError:
        # Only a file with no one in it, or with a NUL (binary), is refused whole.
        assert not any(any(cell.strip() for cell in row) for row in rows) or b"\x00" in data
        return
    planned = plan(parsed.rows, CATALOGUE, {}, None)
    assert len(planned) == len(parsed.rows) and all(p.action in Action.ALL for p in planned)
    emails = [r.email for r in parsed.rows if r.email]
    for row in parsed.rows:  # an address twice (in any case) is an error on each copy
        if row.email and emails.count(row.email) > 1:
            assert any("times in this file" in e for e in row.errors)
    for row, original in zip(parsed.rows, [r for r in rows if any(c.strip() for c in r)], strict=False):
        if row.name and original[0].strip()[:1] in "=+-@" and not row.errors:
            assert row.name == clean(original[0])  # a formula stays text, as typed
    reimport_finds_nothing_to_do(parsed.rows)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_a_readable_refusal(data):
    try:
        parsed = parse(b"Name,Email,Career stage\r\n" + data)
    except RosterFileError as exc:
        assert str(exc)
    else:
        assert all(row.line >= 2 for row in parsed.rows)


def test_ten_thousand_rows_with_duplicates_and_case_variants_are_planned_and_reimport_is_idempotent():
    lines = [f"Person {i},person{i}@hospital.example,Intern,,Surgery,Cardiology" for i in range(10_000)]
    lines[9_999] = "Shouting,PERSON5@Hospital.example,Intern,,Surgery,"
    data = ("Name;Email;Career stage;PGY;Department;Interests\r\n".replace(";", ",") + "\r\n".join(lines)).encode()
    parsed = parse(data)
    assert len(parsed.rows) == 10_000
    errors = [r.line for r in parsed.rows if r.errors]
    assert errors == [7, 10_001]  # person5 twice: lines 7 and 10,001
    reimport_finds_nothing_to_do(parsed.rows)


@pytest.mark.slow
def test_any_uploaded_file_gets_a_preview_or_a_reason_and_never_an_account(app, client):
    """The upload, the one form taking a file, with files of every kind: a
    readable one gets its preview, anything else a message; neither a 500
    nor an account, before Import is pressed."""
    from eventsapp.accounts.models import User
    from eventsapp.extensions import db
    from eventsapp.roster.models import RosterImport
    from tests.factories import make_department, make_user
    from tests.fuzzing import FUZZ
    from tests.security_routes import log_in
    from tests.test_program_pages import make_coordinator

    make_department("Surgery")
    log_in(client, make_coordinator(make_user("Cora", role="organizer", stage="faculty")))
    files = st.one_of(
        st.binary(max_size=2000),
        st.builds(
            encode,
            st.lists(ROW, min_size=1, max_size=10),
            delimiter=st.sampled_from([",", ";"]),
            encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
        ).filter(bool),
    )

    @settings(FUZZ, max_examples=40)
    @given(data=files, name=st.text(max_size=300))
    def fuzz(data, name):
        kept = db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport))
        response = client.post("/roster/imports", data={"file": (io.BytesIO(data), name or "x.csv")})
        assert response.status_code == 302
        page = client.get(response.location)
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        now_kept = db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport))
        assert "Nothing has been saved yet" in text if now_kept == kept + 1 else 'class="flash' in text
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1

    fuzz()
