"""A certificate of attendance as PDF bytes, made with fpdf2. Pure: plain
values in, bytes out; the same values give the same bytes (its creation
date is the event's end, not the clock)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF


@dataclass(frozen=True)
class Certificate:
    name: str
    title: str
    when: str  # written for people, in the event's zone
    place: str
    organizer: str
    issuer: str  # the hospital or the app's name
    number: str  # the verification line's certificate id
    issued_at: datetime  # aware: the PDF's creation date


#: Letters and signs outside Latin-1 that have a close spelling in it.
_NEAREST = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Œ": "OE",
        "œ": "oe",
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
    }
)


def _latin1(text: str) -> str:
    """The PDF's built-in fonts speak Latin-1: other letters lose their
    accents (Ł is L) and what remains unknown becomes '?'."""
    if all(ord(c) < 256 for c in text):
        return text
    folded = unicodedata.normalize("NFKD", text.translate(_NEAREST))
    kept = "".join(c for c in folded if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept).encode("latin-1", "replace").decode("latin-1")


def build(certificate: Certificate) -> bytes:
    c = certificate
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_compression(False)  # the text stays searchable in the file itself
    pdf.set_creation_date(c.issued_at)
    pdf.set_title(_latin1(f"Certificate of attendance: {c.title}"))
    pdf.set_author(_latin1(c.issuer))
    pdf.set_creator(_latin1(c.issuer))
    pdf.add_page()
    pdf.set_margins(30, 30, 30)
    pdf.set_y(35)
    _line(pdf, c.issuer, 14, height=10)
    _line(pdf, "Certificate of attendance", 28, style="B", height=20)
    _line(pdf, "This certifies that", 13)
    _line(pdf, c.name, 24, style="B", height=16)
    _line(pdf, "attended", 13)
    _line(pdf, c.title, 20, style="B", height=14)
    _line(pdf, c.when, 13)
    if c.place:
        _line(pdf, c.place, 13)
    if c.organizer:
        _line(pdf, f"Organized by {c.organizer}", 13)
    pdf.set_y(-35)
    _line(pdf, f"Certificate no. {c.number}", 10, height=6)
    _line(pdf, f"The organizers of the event can confirm it from their attendee sheet at {c.issuer}.", 9, height=6)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: int, *, style: str = "", height: float = 10) -> None:
    pdf.set_font("Helvetica", style=style, size=size)
    pdf.multi_cell(0, height, _latin1(text), align="C", new_x="LMARGIN", new_y="NEXT")
