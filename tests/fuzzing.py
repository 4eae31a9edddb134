"""What the fuzz tests share: what to send, how to read the forms a browser
would post, and how to tell that nothing leaked, crashed or was half-saved.

The forms are read from the rendered pages (as a browser reads them), so a
field added to a template is fuzzed without anyone listing it here.
"""

from __future__ import annotations

import atexit
import csv
import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from icalendar import Calendar

from eventsapp.attendance.csvexport import FORMULA_STARTS
from eventsapp.extensions import db
from tests.factories import open_login

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-artifacts" / "coverage" / "fuzzing.txt"

#: Hypothesis settings for every fuzz test: the fixtures build one database per
#: test, and each example checks the state it leaves behind.
FUZZ = settings(
    max_examples=30,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- What to send --------------------------------------------------------------

#: A tag and an attribute no template uses (`<fuzz-tag data-fuzz=1>` below): if
#: either is ever parsed out of a page, text someone typed became markup.
CANARY_ATTR = "data-fuzz"

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><fuzz-tag data-fuzz=1>",
    '" data-fuzz="1',
    "' data-fuzz='1",
    "<fuzz-tag data-fuzz=1>x</fuzz-tag>",
    "</textarea><fuzz-tag data-fuzz=1>",
    "</title><fuzz-tag data-fuzz=1>",
    "<!--<fuzz-tag data-fuzz=1>-->",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    'https://example.org/"onmouseover="alert(1)',
    "https://example.org/<fuzz-tag data-fuzz=1>",
    "https://example.org/?a=<script>alert(1)</script>",
]
#: Line breaks meant to add calendar properties or components, or mail headers.
LINE_INJECTION = [
    "X\r\nATTENDEE:mailto:evil@example.org",
    "X\nATTENDEE:mailto:evil@example.org",
    "X\rATTENDEE:mailto:evil@example.org",
    "X\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected\r\nUID:evil",
    "X\nBcc: evil@example.org",
    'X";ROLE=CHAIR;X-EVIL="1',
    "X:;,\\n\\",
]
#: Cells a spreadsheet would run as formulas.
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(A1:A2)",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
]
#: Numbers, dates and times nobody means.
MALFORMED = [
    "2026-13-45",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "1899-12-31",
    "-1",
    "0",
    "1e309",
    "NaN",
    "inf",
    "-inf",
    "９",
    "²",
    "١٢",
    "99999999999999999999",
    "2147483648",
    "-2147483649",
    "25:61",
    "07:30:99",
    "7.5",
    "0x10",
    " 1",
    "1 ",
    "",
    " ",
    "None",
    "null",
    "true",
    "on",
    "[]",
    "{}",
    "%00",
    "%",
    "../../etc/passwd",
    "{{7*7}}",
    "{% raw %}",
    "${7*7}",
    "%s%s%n",
    "' OR 1=1 --",
]
#: Text that trips up encodings, normalisation and direction.
ODD_TEXT = [
    "\u202eevil\u202c",
    "\u200b",
    "\ufeffname",
    "ﷺ" * 20,
    "𝕏𝔂𝔷",
    "😀" * 30,
    "e\u0301" * 20,
    "\x00",
    "\x1b[31mred",
    "\u2028\u2029",
    "İ",
    "ß",
    "\uffff",
    "\U0010fffd",
]

PAYLOADS = MARKUP + LINE_INJECTION + FORMULAS + MALFORMED + ODD_TEXT


def _huge(char: str, size: int) -> str:
    return char * size


#: Any text: arbitrary unicode (hypothesis leaves out surrogates, which a form
#: cannot carry), control characters and NUL, known payloads, payloads inside
#: ordinary text, and values up to 100,000 characters.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x7F), max_size=40),
    st.sampled_from(PAYLOADS),
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=6), st.sampled_from(PAYLOADS), st.text(max_size=6)),
    st.builds(
        _huge,
        st.sampled_from(["a", "<", "é", "😀", "\n", "=", " "]),
        st.sampled_from([101, 256, 2001, 10_001, 100_000]),
    ),
)

#: Text a form accepts (it has a letter) that carries a payload.
WORDS = ["Grand rounds", "Ada Lovelace", "Room 4", "Ward B", "Émilie Ørsted", "李雷", "Жанна"]
payload_text = st.builds(lambda w, p: f"{w} {p}", st.sampled_from(WORDS), st.sampled_from(PAYLOADS)).filter(
    lambda s: "\x00" not in s
)
payload_line = st.builds(
    lambda p, w: f"{p} {w}", st.sampled_from(MARKUP + LINE_INJECTION + FORMULAS), st.sampled_from(WORDS)
)
#: Payload first (where a spreadsheet looks) or after ordinary words.
any_payload = st.one_of(payload_text, payload_line)


# --- Reading forms the way a browser does ------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea", "select" or "button"
    options: list[str] = field(default_factory=list)  # select options, checkbox/radio/button values
    value: str = ""  # what the page filled in
    checked: list[str] = field(default_factory=list)  # checked boxes / selected options
    multiple: bool = False

    def browser_values(self) -> list[str]:
        """What a browser submits for this field if the user changes nothing."""
        if self.kind in ("checkbox", "radio") or (self.kind == "select" and self.multiple):
            return list(self.checked)
        if self.kind == "select":
            return [self.checked[0] if self.checked else (self.options[0] if self.options else "")]
        if self.kind == "button":
            return [self.options[0]] if self.options else []
        return [self.value]


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def _field(self, name: str, kind: str) -> Field:
        found = self._form.fields.get(name)
        if found is None:
            found = self._form.fields[name] = Field(name, kind)
        return found

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "", (a.get("method") or "get").lower())
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name"):
            if tag == "option" and self._select is not None:
                self._option(a)
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "image", "reset", "file"):
                return
            f = self._field(name, kind)
            if kind in ("checkbox", "radio"):
                value = a.get("value", "on")
                f.options.append(value)
                f.multiple = kind == "checkbox" and len(f.options) > 1
                if "checked" in a:
                    f.checked.append(value)
            else:
                f.value = a.get("value") or ""
        elif tag == "button":
            self._field(name, "button").options.append(a.get("value") or "")
        elif tag == "select":
            self._select = self._field(name, "select")
            self._select.multiple = "multiple" in a
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
        elif tag == "option" and self._select is not None:
            self._option(a)

    def _option(self, a):
        value = a.get("value", "")
        self._select.options.append(value)
        if "selected" in a:
            self._select.checked.append(value)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data


def forms_on(html: str) -> list[Form]:
    reader = _FormReader()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_posting_to(html: str, path: str) -> Form:
    """Every field the page posts to `path` (a page may have several forms
    for one action, e.g. one per answer button)."""
    merged = Form(path, "post")
    found = False
    for form in forms_on(html):
        if form.method == "post" and urlsplit(form.action).path == path:
            found = True
            for name, f in form.fields.items():
                if name in merged.fields:
                    merged.fields[name].options += [o for o in f.options if o not in merged.fields[name].options]
                else:
                    merged.fields[name] = f
    assert found, f"no form on the page posts to {path}"
    return merged


# --- Generating submissions --------------------------------------------------------

MODES = ["valid", "valid", "fuzz", "fuzz", "missing", "repeated", "wrong"]


@st.composite
def submissions(
    draw,
    form: Form,
    valid: dict[str, list[str]] | None = None,
    payloads: dict[str, st.SearchStrategy | None] | None = None,
):
    """A list of (name, value) pairs for `form`, in one of three shapes:

    - "payload": what a user could get accepted, with a payload in every
      free-text field, so the paths that store and show text are reached;
    - "few": one to three fields disturbed, the rest as a user would send
      them, so the rules behind the form's own validation are reached;
    - "storm": every field independently kept, replaced by any text, left
      out, sent twice, or given a value of the wrong type.
    """
    valid = valid or {}
    payloads = payloads or {}
    shape = draw(st.sampled_from(["payload", "few", "storm"]), label="shape")
    names = list(form.fields)
    disturbed = set(names)
    if shape == "few" and names:
        disturbed = draw(st.sets(st.sampled_from(names), min_size=1, max_size=min(3, len(names))), label="disturbed")
    pairs: list[tuple[str, str]] = []
    for name, f in form.fields.items():
        good = valid.get(name, f.browser_values())
        if shape == "payload":
            strategy = payloads.get(name, any_payload if f.kind in ("text", "textarea") else None)
            values = [draw(strategy, label=name)] if strategy is not None else good
        elif name not in disturbed:
            values = good
        else:
            mode = draw(st.sampled_from(MODES), label=f"{name} mode")
            if mode == "valid":
                values = good
            elif mode == "fuzz":
                values = [draw(any_text, label=name)]
            elif mode == "missing":
                values = []
            elif mode == "repeated":
                values = good + [draw(any_text, label=name)]
            else:  # a value of another type: a list where one is expected, an unknown option, a date...
                values = draw(
                    st.lists(st.sampled_from(MALFORMED + f.options + ["on", "1", "0"]), min_size=1, max_size=4),
                    label=name,
                )
        pairs += [(name, v) for v in values]
    if shape != "payload" and draw(st.booleans(), label="extra field"):
        pairs.append(
            (
                draw(
                    st.sampled_from(
                        [
                            "id",
                            "user_id",
                            "role",
                            "is_admin",
                            "organizer_id",
                            "__class__",
                            "csrf_token",
                            "_method",
                            "next",
                            "version",
                        ]
                    )
                ),
                draw(any_text),
            )
        )
    return pairs


# --- What must hold after each request -------------------------------------------------

_DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text")
_URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "srcdoc", "background", "poster"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class _MarkupAudit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag.startswith("fuzz"):
            self.problems.append(f"<{tag}> element from typed text")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script> that is not one of ours: {attrs}")
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on") or name.startswith(CANARY_ATTR):
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name in _URL_ATTRS and value:
                scheme = _INVISIBLE.sub("", value).lower()
                if scheme.startswith(_DANGEROUS_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f"inline script: {data[:80]!r}")
        self.text.append(data)


def audit_html(html: str) -> tuple[list[str], str]:
    """Markup that typed text must never create, and the page's visible text."""
    audit = _MarkupAudit()
    audit.feed(html)
    audit.close()
    return audit.problems, "".join(audit.text)


def assert_safe_html(html: str, where: str) -> str:
    problems, text = audit_html(html)
    assert not problems, f"{where}: typed text became markup: {problems[:5]}"
    STATS["html_pages_checked"] += 1
    return text


def squash(text: str) -> str:
    return " ".join(text.split())


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read on a connection of its own."""
    with db.engine.connect() as conn:
        return {
            table.name: [
                tuple(row)
                for row in conn.execute(sa.select(table).order_by(*(table.primary_key.columns or table.columns)))
            ]
            for table in db.metadata.sorted_tables
        }


#: The one table a GET may write to: a download of personal data is recorded
#: in the audit log (docs/audit.md).
GET_MAY_WRITE = {"audit_entry"}


def changed_tables(before: dict, after: dict) -> list[str]:
    """The tables whose rows changed, but for the audit log."""
    return [name for name in before if before[name] != after[name] and name not in GET_MAY_WRITE]


def assert_same_site_redirect(response) -> None:
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers["Location"])
        assert target.netloc in ("", "localhost"), f"redirect off the site: {response.headers['Location']!r}"
        assert target.scheme in ("", "http", "https")


class CapturedErrors(logging.Handler):
    """The tracebacks the app logs, so a 500 names its cause."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        self.records.append(self.format(record))

    def last(self) -> str:
        return self.records[-1] if self.records else "(nothing logged)"


def capture_errors(app) -> CapturedErrors:
    handler = CapturedErrors()
    handler.setFormatter(logging.Formatter("%(message)s"))
    app.logger.addHandler(handler)
    return handler


def login_as(client, user_id: int) -> None:
    """Log in by session, as Flask-Login does after a password check (the
    password check has tests of its own, and is slow on purpose)."""
    with client.session_transaction() as session:
        session["_user_id"] = open_login(user_id)
        session["_fresh"] = True


def take_flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as session:
        return list(session.get("_flashes", []))


# --- Calendar files and CSV ----------------------------------------------------------

EVENT_PROPS = {
    "UID",
    "DTSTAMP",
    "CREATED",
    "LAST-MODIFIED",
    "SEQUENCE",
    "RECURRENCE-ID",
    "DTSTART",
    "DTEND",
    "RRULE",
    "EXDATE",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "URL",
    "CATEGORIES",
    "ORGANIZER",
    "STATUS",
    "TRANSP",
}
CALENDAR_PROPS = {
    "PRODID",
    "VERSION",
    "CALSCALE",
    "METHOD",
    "NAME",
    "X-WR-CALNAME",
    "X-WR-CALDESC",
    "REFRESH-INTERVAL",
    "X-PUBLISHED-TTL",
}
COMPONENTS = {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT"}
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_ics(body: bytes, where: str) -> Calendar:
    """Typed text stays inside its own property: every line is a property the
    builder writes, every event has one of our UIDs, and nothing else."""
    text = body.decode("utf-8")
    assert not _CONTROL.search(text), f"{where}: a control character in the calendar"
    assert "\r" not in text.replace("\r\n", ""), f"{where}: a bare CR in the calendar"
    assert "\n" not in text.replace("\r\n", ""), f"{where}: a bare LF in the calendar"
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    for line in unfolded.split("\r\n"):
        assert not line or _CONTENT_LINE.match(line), f"{where}: stray calendar line {line[:80]!r}"
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert set(calendar.keys()) <= CALENDAR_PROPS, f"{where}: {set(calendar.keys()) - CALENDAR_PROPS}"
    for component in calendar.walk():
        assert component.name in COMPONENTS, f"{where}: component {component.name}"
        if component.name == "VEVENT":
            assert set(component.keys()) <= EVENT_PROPS, f"{where}: {set(component.keys()) - EVENT_PROPS}"
            assert re.fullmatch(r"(event|series)-\d+@[\w.-]+", str(component["UID"])), component["UID"]
            organizer = component.get("ORGANIZER")
            if organizer is not None:
                assert str(organizer) == "urn:invalid:organizer" and set(organizer.params) <= {"CN"}, (
                    f"{where}: ORGANIZER {organizer.to_ical()!r}"
                )
    STATS["ics_checked"] += 1
    return calendar


def check_csv(body: bytes, where: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    header = rows[0]
    for row in rows:
        assert len(row) == len(header), f"{where}: a row with {len(row)} cells: {row!r}"
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), f"{where}: a spreadsheet would run {cell!r}"
    STATS["csv_checked"] += 1
    return rows


# --- Counting, for CI --------------------------------------------------------------

STATS: Counter = Counter()
COVERED: dict[str, set] = {"forms": set(), "form_fields": set(), "query_endpoints": set(), "query_params": set()}


def write_report() -> None:
    if not STATS["examples"]:
        return
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(
        f"Fuzzing: {len(COVERED['forms'])} POST routes with {len(COVERED['form_fields'])} form fields and "
        f"{len(COVERED['query_endpoints'])} GET endpoints with {len(COVERED['query_params'])} query parameters, "
        f"{STATS['examples']} generated examples (+{STATS['oversized']} oversized bodies): no 500; of "
        f"{STATS['posted']} form posts {STATS['accepted']} were accepted and {STATS['refused']} refused, "
        f"each refusal leaving every table unchanged; {STATS['multipart']} were multipart bodies and "
        f"{STATS['file_parts']} carried file parts, each refused with a 400.\n"
        f"Injection checks: {STATS['html_pages_checked']} HTML pages, {STATS['ics_checked']} calendar files, "
        f"{STATS['csv_checked']} CSV files; no typed text became markup, a calendar property or a formula.\n"
    )


atexit.register(write_report)
