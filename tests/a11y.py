"""A small structural accessibility check for rendered pages (stdlib only):
every form control has a visible label, one <main>, headings in order, and
a title of plain words (a browser shows any markup in it as text)."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.hidden_labels: set[str] = set()
        self.headings: list[int] = []
        self.landmarks: list[str] = []
        self.external: list[str] = []
        self.table_depth = 0
        self.in_title = False
        self.in_title_markup: list[str] = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.table_depth -= 1
        if tag == "title":
            self.in_title = False
        elif self.in_title:
            self.in_title_markup.append(f"</{tag}>")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self.in_title:
            self.in_title_markup.append(f"<{tag}>")
        if tag == "title":
            self.in_title = True
        if tag == "table":
            self.table_depth += 1
        if tag in CONTROLS and a.get("type", "text") not in UNLABELLED_INPUT_TYPES:
            self.controls.append(a)
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
            # In a table the column header is the visible label.
            if "visually-hidden" in a.get("class", "") and not self.table_depth:
                self.hidden_labels.add(a["for"])
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag in ("main", "nav", "header", "footer"):
            self.landmarks.append(tag)
        for name in ("src", "href"):
            value = a.get(name) or ""
            if tag in ("script", "link", "img") and value.startswith(("http:", "https:", "//")):
                self.external.append(value)


def problems(html: str) -> list[str]:
    page = _Collector()
    page.feed(html)
    found = []
    for control in page.controls:
        ident = control.get("id")
        if not ident or ident not in page.label_for:
            found.append(f"control without a label: {control}")
        elif ident in page.hidden_labels:
            found.append(f"control whose label is hidden: {control}")
    if page.landmarks.count("main") != 1:
        found.append("a page needs exactly one <main>")
    if not page.headings or page.headings[0] != 1 or page.headings.count(1) != 1:
        found.append(f"a page needs one <h1> first, got {page.headings}")
    for before, after in itertools.pairwise(page.headings):
        if after > before + 1:
            found.append(f"heading level skipped: h{before} then h{after}")
    found += [f"asset from another site: {url}" for url in page.external]
    if page.in_title_markup:
        found.append(f"markup inside <title>: {' '.join(page.in_title_markup[:4])}")
    return found
