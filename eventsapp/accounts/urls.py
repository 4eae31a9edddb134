"""Where a `next=` parameter may send a user. Pure."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next_path(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, otherwise None.

    Browsers treat backslashes as slashes and drop tabs and newlines, so
    `/\\evil.example`, `//evil.example`, `/\t/evil.example` and
    `https:evil.example` all leave the site. Only a single leading slash
    followed by a path, with no control characters, is accepted.
    """
    if not target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    as_browser_reads_it = target.replace("\\", "/")
    if not as_browser_reads_it.startswith("/") or as_browser_reads_it.startswith("//"):
        return None
    parts = urlsplit(as_browser_reads_it)
    if parts.scheme or parts.netloc:
        return None
    return as_browser_reads_it
