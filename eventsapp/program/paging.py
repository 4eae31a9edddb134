"""One page of a long list the program pages show (the CSVs hold it all):
the interns to reach, everyone's share of the required series."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Listing:
    """One page of a list: its rows, its number, how many pages, how many rows."""

    items: list
    page: int
    pages: int
    total: int


def page_of(everyone: list, page: int, per_page: int) -> Listing:
    """The page asked for, of `per_page` rows; past the end, the last page."""
    pages = max(1, -(-len(everyone) // per_page))
    page = min(max(page, 1), pages)
    return Listing(everyone[(page - 1) * per_page : page * per_page], page, pages, len(everyone))
