"""The check-in QR code, drawn as SVG."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str) -> Markup:
    code = segno.make(url, error="m")
    # Inline SVG (no external file, no script); dark on light for any scanner.
    # The URL is drawn as path geometry, never written into the SVG as text;
    # the only text is the constant title.
    svg = code.svg_inline(scale=8, border=2, dark="#102a2d", light="#ffffff", title="Check-in code", omitsize=True)
    return Markup(svg)  # nosec B704
