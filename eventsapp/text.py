"""Cleaning text people type. Pure."""

from __future__ import annotations

import unicodedata

_KEEP_IN_MULTILINE = {"\n", "\t"}


def clean(value: str | None, *, multiline: bool = False) -> str:
    """Drop control and invisible formatting characters (NUL, zero-width
    spaces, direction overrides...), which no one means to type and which
    PostgreSQL refuses (NUL); collapse whitespace in single-line text."""
    value = (value or "").replace("\r\n", "\n")
    kept = "".join(
        ch
        for ch in value
        if (multiline and ch in _KEEP_IN_MULTILINE) or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
    )
    if multiline:
        return kept.strip()
    return " ".join(kept.split())


def sort_key(name: str) -> str:
    """Alphabetical order as people expect it: Élodie with the Es, Łukasz with the Ls."""
    if name.isascii():  # (most names: nothing to fold; lists sort hundreds)
        return name.casefold()
    folded = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L").replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).casefold()


def has_letter_or_digit(value: str) -> bool:
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in value)
