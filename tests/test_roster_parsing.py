"""Reading roster files as spreadsheets save them, and planning what an
import does with each row: pure, without a database."""

from __future__ import annotations

import pytest

from eventsapp.accounts import models as account_models
from eventsapp.roster import parsing
from eventsapp.roster.parsing import RosterFileError, parse
from eventsapp.roster.planning import OUTSIDE, Action, Catalogue, Member, counts, plan

CATALOGUE = Catalogue(
    departments={"surgery": 1, "internal medicine": 2},
    specialties={"cardiology": 10, "oncology": 11},
    department_names={1: "Surgery", 2: "Internal Medicine"},
    specialty_names={10: "Cardiology", 11: "Oncology"},
)
HEADER = "Name,Email,Career stage,PGY,Department,Interests\r\n"


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(line + "\r\n" for line in lines)).encode(encoding)


def test_limits_match_the_account_columns():
    assert (parsing.NAME_MAX, parsing.EMAIL_MAX) == (account_models.NAME_MAX, account_models.EMAIL_MAX)


def test_a_plain_row_is_read_with_its_stage_department_and_interests():
    (row,) = parse(csv_bytes("Ana Lima,Ana.Lima@Hospital.example,Intern,1,Surgery,Cardiology; Oncology")).rows
    assert (row.name, row.email, row.stage, row.pgy_year, row.department) == (
        "Ana Lima",
        "ana.lima@hospital.example",
        "intern",
        None,
        "Surgery",
    )
    assert row.interests == ("Cardiology", "Oncology") and row.errors == ()


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (with BOM)"), ("cp1252", "Windows-1252")]
)
def test_excel_encodings_are_read_alike(encoding, label):
    header = "Name,E-mail,Career stage,PGY year,Department,Interests\r\n"
    parsed = parse(
        csv_bytes("Zoë Müller,zoe@hospital.example,Resident,PGY-2,Surgery,", header=header, encoding=encoding)
    )
    (row,) = parsed.rows
    assert parsed.encoding == label
    assert (row.name, row.email, row.pgy_year, row.errors) == ("Zoë Müller", "zoe@hospital.example", 2, ())


def test_semicolons_separate_cells_as_european_excel_writes_them():
    data = "Name;Email;Career stage;PGY;Department\r\nBo Berg;bo@hospital.example;Resident;3;Internal Medicine\r\n"
    parsed = parse(data.encode("cp1252"))
    assert parsed.delimiter == ";" and parsed.rows[0].pgy_year == 3 and parsed.rows[0].department == "Internal Medicine"


def test_excels_sep_line_names_the_delimiter_and_lines_keep_their_numbers():
    parsed = parse(b"sep=;\r\nName;Email;Career stage\r\nBo, Jr;bo@hospital.example;Intern\r\n")
    assert parsed.delimiter == ";" and parsed.rows[0].name == "Bo, Jr" and parsed.rows[0].line == 3


def test_header_words_are_read_in_any_case_and_with_synonyms():
    parsed = parse(b"  FULL NAME ; e-mail ; Stage ; pgy year\nCy Cole;cy@hospital.example;resident;pgy 4\n")
    assert parsed.rows[0].pgy_year == 4 and parsed.rows[0].errors == ()


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example","x")', "+1 Ann", "-Ann", "@Ann"])
def test_cells_that_look_like_formulas_are_kept_as_typed(cell):
    data = f'Name,Email,Career stage\r\n"{cell.replace(chr(34), chr(34) * 2)}",ann@hospital.example,Intern\r\n'
    (row,) = parse(data.encode()).rows
    assert row.name == cell and row.errors == ()


def test_each_row_says_what_is_wrong_with_it():
    rows = parse(
        csv_bytes(
            "Ana,not-an-email,Intern,,,",
            "Bo,bo@hospital.example,Wizard,,,",
            "Cy,cy@hospital.example,Resident,12,,",
            "Di,di@hospital.example,Attending,3,,",
            ",ed@hospital.example,Intern,,,",
        )
    ).rows
    assert "not a valid email address" in rows[0].errors[0]
    assert "Career stage “Wizard” is not one of" in rows[1].errors[0]
    assert "PGY “12” is not a resident's year" in rows[2].errors[0]
    assert "does not go with attending" in rows[3].errors[0]
    assert rows[4].errors == ("Name is missing.",)
    assert [r.line for r in rows] == [2, 3, 4, 5, 6]


def test_an_address_twice_in_a_file_is_an_error_on_every_copy_whatever_its_case():
    rows = parse(csv_bytes("Ana,ana@hospital.example,Intern,,,", "Ana L,ANA@Hospital.example,Intern,,,")).rows
    assert all("appears 2 times in this file (lines 2, 3)" in r.errors[-1] for r in rows)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a CSV text file"),
        (b"first,second\r\na,b\r\n", "Missing: name, email, career stage"),
        (b"Name,Email,Career stage\r\n", "no people"),
        (b"Name,Email,Email,Career stage\r\nA,a@b.example,c@d.example,Intern\r\n", "repeated: email"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(RosterFileError, match=message):
        parse(data)


def test_more_rows_than_the_limit_are_refused_with_the_limit_named(monkeypatch):
    monkeypatch.setattr(parsing, "MAX_ROWS", 3)
    with pytest.raises(RosterFileError, match="more than 3 rows"):
        parse(csv_bytes(*[f"P{i},p{i}@hospital.example,Intern,,," for i in range(4)]))


def _member(email, **fields):
    base = dict(
        user_id=7,
        email=email,
        name="Ana Lima",
        stage="intern",
        pgy_year=None,
        department_id=1,
        specialty_ids=frozenset({10}),
    )
    return Member(**{**base, **fields})


def test_plan_creates_updates_and_leaves_alone():
    rows = parse(
        csv_bytes(
            "New Person,new@hospital.example,Intern,,Surgery,Cardiology",
            "Ana Lima,ana@hospital.example,Resident,2,,",
            "Bo Berg,bo@hospital.example,Intern,,Surgery,Cardiology",
        )
    ).rows
    members = {
        "ana@hospital.example": _member("ana@hospital.example"),
        "bo@hospital.example": _member("bo@hospital.example", user_id=8, name="Bo Berg"),
    }
    planned = plan(rows, CATALOGUE, members, None)
    assert [p.action for p in planned] == [Action.CREATE, Action.UPDATE, Action.UNCHANGED]
    assert planned[1].changes == ("Career stage: Intern → Resident (PGY-2)",)
    # Empty cells keep what the member has.
    assert planned[1].result.department_id == 1 and planned[1].result.specialty_ids == {10}


def test_unknown_departments_and_interests_are_errors_not_new_entries():
    rows = parse(csv_bytes("Ana,ana@hospital.example,Intern,,Podiatry,Cardiology;Knitting")).rows
    (planned,) = plan(rows, CATALOGUE, {}, None)
    assert planned.action == Action.ERROR
    assert any("Podiatry" in e for e in planned.errors) and any("“Knitting”" in e for e in planned.errors)


def test_a_coordinator_limited_to_a_department_imports_only_its_people():
    rows = parse(
        csv_bytes(
            "In Scope,in@hospital.example,Intern,,Surgery,",
            "Elsewhere,out@hospital.example,Intern,,Internal Medicine,",
            "Nowhere,none@hospital.example,Intern,,,",
            "Moved,moved@hospital.example,Intern,,Surgery,",
        )
    ).rows
    members = {"moved@hospital.example": _member("moved@hospital.example", name="Moved", department_id=2)}
    planned = plan(rows, CATALOGUE, members, frozenset({1}))
    assert [p.action for p in planned] == [Action.CREATE, Action.ERROR, Action.ERROR, Action.ERROR]
    assert "not of Internal Medicine" in planned[1].errors[0]
    assert "Give the department" in planned[2].errors[0]
    assert planned[3].errors == (OUTSIDE,)
    assert counts(planned) == {"create": 1, "update": 0, "unchanged": 0, "error": 3}
