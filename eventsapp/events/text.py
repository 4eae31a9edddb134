"""Event descriptions: plain text in, safe HTML out. Pure."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# http(s) URLs up to the first space or '<'; trailing punctuation is left out.
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def _link(url: str) -> tuple[str, str]:
    """Split off punctuation that ends a sentence rather than the URL."""
    trail = ""
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        trail = url[-1] + trail
        url = url[:-1]
    return url, trail


def _linkify_line(text: str) -> str:
    out, last = [], 0
    for match in _URL.finditer(text):
        url, trail = _link(match.group(0))
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">{escape(url)}</a>')
        out.append(str(escape(trail)))
        last = match.end()
    out.append(str(escape(text[last:])))
    return "".join(out)


def render_description(text: str) -> Markup:
    """Paragraphs at blank lines, line breaks kept, web links clickable;
    everything else escaped, so no markup from the text reaches the page."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))]
    html = []
    for paragraph in paragraphs:
        if paragraph:
            lines = [_linkify_line(line) for line in paragraph.split("\n")]
            html.append("<p>" + "<br>\n".join(lines) + "</p>")
    # Every piece of the text went through escape() in _linkify_line; the only
    # markup added is <p>, <br> and <a href> with an escaped http(s) URL.
    body = "\n".join(html)
    return Markup(body)  # nosec B704
