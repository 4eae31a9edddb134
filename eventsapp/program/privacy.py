"""What a coordinator may see of people outside their departments: counts
only, and a count under 5 as "fewer than 5". Pure (docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass

#: Counts below this are not shown outside the viewer's departments.
SMALLEST_SHOWN = 5
FEWER = f"fewer than {SMALLEST_SHOWN}"


@dataclass(frozen=True)
class Count:
    """A count as the viewer may read it: `value` None when hidden."""

    value: int | None

    def __str__(self) -> str:
        return FEWER if self.value is None else str(self.value)

    @property
    def at_most(self) -> int:
        """The largest the count may be: what rankings use, so that an
        order never tells more than the page shows."""
        return SMALLEST_SHOWN - 1 if self.value is None else self.value


def shown(count: int, *, exact: bool) -> Count:
    """`count` as the viewer sees it: exact for people in their own
    departments (or for the whole hospital), else hidden under 5."""
    return Count(count if exact or count >= SMALLEST_SHOWN else None)
