"""Reading a roster CSV as spreadsheets save it. Pure: bytes in, rows with
their errors out; no Flask, no database.

Excel writes UTF-8 with or without a byte-order mark, or Windows-1252, and
separates cells with commas or (in much of Europe) semicolons. Cells are
kept as typed: `=`, `+`, `-` and `@` at the start are text here, never a
formula (nothing here evaluates a cell; exports neutralise them again).
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from email_validator import EmailNotValidError, validate_email

from eventsapp.profiles import career
from eventsapp.text import clean, has_letter_or_digit

#: The columns of accounts' User (kept equal by a test: this module may not import models).
NAME_MAX, EMAIL_MAX = 120, 254
CATALOGUE_NAME_MAX = 80
MAX_INTERESTS = 10
#: A whole hospital's intake fits many times over; a larger file is a mistake.
MAX_ROWS = 20_000
MAX_BYTES = 2_000_000

#: Header words (lower case, letters and digits only) and the column each names.
HEADERS = {
    "name": "name",
    "fullname": "name",
    "email": "email",
    "emailaddress": "email",
    "mail": "email",
    "careerstage": "stage",
    "stage": "stage",
    "pgy": "pgy",
    "pgyyear": "pgy",
    "postgraduateyear": "pgy",
    "department": "department",
    "dept": "department",
    "interests": "interests",
    "interest": "interests",
    "specialties": "interests",
}
REQUIRED = ("name", "email", "stage")
#: Career stages by what people type: the key, the label, and a few common words.
STAGE_WORDS = {
    **{key: key for key in career.STAGES},
    **{label.lower(): key for key, label in career.STAGES.items()},
    "medical student": career.STUDENT,
    "faculty": career.FACULTY,
    "consultant": career.FACULTY,
}
_PGY = re.compile(r"^(?:pgy[\s-]*)?(\d{1,2})$", re.IGNORECASE)
_INTEREST_SEPARATORS = re.compile(r"[;|]")


class RosterFileError(ValueError):
    """The file as a whole cannot be read; the message says what to do."""


@dataclass(frozen=True)
class RosterRow:
    line: int  # the line of the file, as a spreadsheet numbers it (the header is 1)
    name: str
    email: str  # normalised (lower case); "" when the address is not valid
    typed_email: str
    stage: str | None
    pgy_year: int | None
    department: str  # as typed; "" for none
    interests: tuple[str, ...]
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedRoster:
    rows: list[RosterRow]
    encoding: str
    delimiter: str
    columns: tuple[str, ...] = field(default=())


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (with or without BOM), else Windows-1252."""
    if not data.strip():
        raise RosterFileError("The file is empty. Choose the roster's CSV file.")
    if b"\x00" in data:
        raise RosterFileError(
            "This is not a CSV text file. In Excel, choose File › Save As › “CSV UTF-8 (Comma delimited)”."
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (with BOM)"
        except UnicodeDecodeError as exc:
            raise RosterFileError("The file says it is UTF-8 but is not; save it again as CSV UTF-8.") from exc
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as exc:
        raise RosterFileError("The file's characters cannot be read; save it again as CSV UTF-8.") from exc


def _header_key(cell: str) -> str:
    return "".join(ch for ch in cell.lower() if ch.isalnum())


def excel_separator(first_line: str) -> str | None:
    """The delimiter a `sep=;` first line names (Excel writes and reads one), or None."""
    line = first_line.strip().lower()
    return line[4] if len(line) == 5 and line.startswith("sep=") and line[4] in ",;" else None


def read_header(first_line: str, only: str | None = None) -> tuple[str, list[str | None]]:
    """The delimiter (comma or semicolon, or `only`) and each header cell's column."""
    best: tuple[int, str, list[str | None]] | None = None
    for delimiter in (only,) if only else (",", ";"):
        cells = next(csv.reader([first_line], delimiter=delimiter), [])
        columns = [HEADERS.get(_header_key(cell)) for cell in cells]
        found = sum(1 for c in set(columns) if c in REQUIRED)
        if best is None or found > best[0]:
            best = (found, delimiter, columns)
    _, delimiter, columns = best
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise RosterFileError(
            "The first line must name the columns: name, email and career stage are needed "
            "(PGY, department and interests may follow). Missing: " + ", ".join(_COLUMN_WORDS[c] for c in missing) + "."
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise RosterFileError(
            "Each column may appear once; repeated: " + ", ".join(_COLUMN_WORDS[c] for c in repeated) + "."
        )
    return delimiter, columns


_COLUMN_WORDS = {
    "name": "name",
    "email": "email",
    "stage": "career stage",
    "pgy": "PGY",
    "department": "department",
    "interests": "interests",
}


def parse(data: bytes) -> ParsedRoster:
    """Every data row of the file with its errors; RosterFileError when the
    file itself cannot be read (empty, binary, no header, too large)."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"The file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files.")
    text, encoding = decode(data)
    lines = text.splitlines() or [""]
    sep = excel_separator(lines[0])
    header = (lines[1] if len(lines) > 1 else "") if sep else lines[0]
    delimiter, columns = read_header(header, sep)
    rows: list[RosterRow] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for _ in range(2 if sep else 1):  # (line numbers stay the file's own)
            next(reader, None)
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise RosterFileError(f"The file has more than {MAX_ROWS:,} rows; split it into smaller files.")
            values = {col: cells[i] for i, col in enumerate(columns) if col and i < len(cells)}
            rows.append(read_row(reader.line_num, values))
    except csv.Error as exc:
        raise RosterFileError(f"Line {reader.line_num} cannot be read as CSV ({exc}); check its quotes.") from exc
    if not rows:
        raise RosterFileError("The file has a header but no people. Add one line per person.")
    return ParsedRoster(mark_duplicates(rows), encoding, delimiter, tuple(c for c in columns if c))


def read_row(line: int, values: dict[str, str]) -> RosterRow:
    errors: list[str] = []
    name = clean(values.get("name"))
    if not has_letter_or_digit(name):
        errors.append("Name is missing.")
    elif len(name) > NAME_MAX:
        errors.append(f"Name is longer than {NAME_MAX} characters.")
    typed_email = clean(values.get("email"))
    email = ""
    try:
        email = normalise_email(typed_email)
    except ValueError as exc:
        errors.append(str(exc))
    stage, pgy_year = read_stage(values.get("stage"), values.get("pgy"), errors)
    department = clean(values.get("department"))
    if len(department) > CATALOGUE_NAME_MAX:
        errors.append(f"Department is longer than {CATALOGUE_NAME_MAX} characters.")
    interests = read_interests(values.get("interests"), errors)
    return RosterRow(line, name, email, typed_email, stage, pgy_year, department, interests, tuple(errors))


def normalise_email(typed: str) -> str:
    """accounts' spelling of an address (lower case, checked syntax); ValueError with a message."""
    if not typed:
        raise ValueError("Email is missing.")
    if len(typed) > EMAIL_MAX:
        raise ValueError(f"Email is longer than {EMAIL_MAX} characters.")
    try:
        return validate_email(typed, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValueError(f"“{typed}” is not a valid email address ({exc}).") from exc


def read_stage(stage_cell: str | None, pgy_cell: str | None, errors: list[str]) -> tuple[str | None, int | None]:
    """The career stage and, for residents, the PGY year (interns may say PGY 1)."""
    typed = clean(stage_cell)
    stage = STAGE_WORDS.get(typed.lower())
    if stage is None:
        words = ", ".join(career.STAGES.values())
        errors.append(f"Career stage “{typed}” is not one of: {words}." if typed else "Career stage is missing.")
    pgy_typed = clean(pgy_cell)
    if not pgy_typed:
        if stage == career.RESIDENT:
            errors.append(f"Residents need a PGY year ({career.PGY_MIN} to {career.PGY_MAX}).")
        return stage, None
    match = _PGY.match(pgy_typed)
    year = int(match.group(1)) if match else None
    if stage == career.RESIDENT:
        if year is None or not career.PGY_MIN <= year <= career.PGY_MAX:
            errors.append(f"PGY “{pgy_typed}” is not a resident's year ({career.PGY_MIN} to {career.PGY_MAX}).")
            return stage, None
        return stage, year
    if stage == career.INTERN and year == 1:
        return stage, None
    if stage is not None:
        errors.append(f"PGY “{pgy_typed}” does not go with {career.STAGES[stage].lower()}; leave it empty.")
    return stage, None


def read_interests(cell: str | None, errors: list[str]) -> tuple[str, ...]:
    """Interests separated by ; or |, each once (ignoring case), as typed."""
    seen: dict[str, str] = {}
    for part in _INTEREST_SEPARATORS.split(cell or ""):
        interest = clean(part)
        if interest and interest.casefold() not in seen:
            seen[interest.casefold()] = interest
    if len(seen) > MAX_INTERESTS:
        errors.append(f"At most {MAX_INTERESTS} interests per person.")
    return tuple(seen.values())


def mark_duplicates(rows: list[RosterRow]) -> list[RosterRow]:
    """Every row whose address appears more than once (ignoring case) gets an error."""
    lines: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.email:
            lines[row.email].append(row.line)
    marked = []
    for row in rows:
        others = lines.get(row.email, [])
        if len(others) > 1:
            where = ", ".join(str(n) for n in others)
            row = replace(
                row, errors=(*row.errors, f"{row.email} appears {len(others)} times in this file (lines {where}).")
            )
        marked.append(row)
    return marked
