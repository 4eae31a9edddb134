"""What an import would do to each row of a roster. Pure: the parsed rows,
the catalogue and the accounts already there in; for each row create,
update (saying what changes), unchanged or error out.

Each planned row carries the member it leads to (`result`), which is what
the import writes: planning the same file again against those results finds
nothing to do, which is why a second upload changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from eventsapp.profiles import career
from eventsapp.roster.parsing import RosterRow


class Action:
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    ERROR = "error"
    ALL = (CREATE, UPDATE, UNCHANGED, ERROR)
    LABELS = {CREATE: "New account", UPDATE: "Update", UNCHANGED: "Unchanged", ERROR: "Error"}


@dataclass(frozen=True)
class Member:
    """An account as a roster sees it (user_id 0: not created yet)."""

    user_id: int
    email: str
    name: str
    stage: str | None
    pgy_year: int | None
    department_id: int | None
    specialty_ids: frozenset[int]


@dataclass(frozen=True)
class Catalogue:
    """The active departments and specialties, by their folded names."""

    departments: dict[str, int]
    specialties: dict[str, int]
    department_names: dict[int, str]
    specialty_names: dict[int, str]


@dataclass(frozen=True)
class Planned:
    row: RosterRow
    action: str
    result: Member | None = None
    changes: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def plan(
    rows: list[RosterRow],
    catalogue: Catalogue,
    members: dict[str, Member],
    allowed_departments: frozenset[int] | None,
) -> list[Planned]:
    """Each row's fate. `members`: existing accounts by email; `allowed_departments`:
    the departments the importer may fill (None: every one)."""
    return [plan_row(row, catalogue, members.get(row.email), allowed_departments) for row in rows]


def plan_row(row: RosterRow, catalogue: Catalogue, member: Member | None, allowed: frozenset[int] | None) -> Planned:
    errors = list(row.errors)
    department_id = catalogue.departments.get(row.department.casefold()) if row.department else None
    if row.department and department_id is None:
        errors.append(f"Department “{row.department}” is not on the hospital's list; an admin can add it.")
    unknown = [i for i in row.interests if i.casefold() not in catalogue.specialties]
    if unknown:
        errors.append("Interests not on the list: " + ", ".join(f"“{i}”" for i in unknown) + ".")
    specialty_ids = frozenset(catalogue.specialties[i.casefold()] for i in row.interests if i not in unknown)
    if allowed is not None:
        errors.extend(scope_errors(row, department_id, member, allowed))
    if errors:
        return Planned(row, Action.ERROR, errors=tuple(errors))
    if member is None:
        result = Member(0, row.email, row.name, row.stage, row.pgy_year, department_id, specialty_ids)
        return Planned(row, Action.CREATE, result=result)
    result = replace(
        member,
        name=row.name,
        stage=row.stage,
        pgy_year=row.pgy_year,
        # An empty cell keeps what the member has: a roster fills in, it does not erase.
        department_id=department_id if row.department else member.department_id,
        specialty_ids=specialty_ids if row.interests else member.specialty_ids,
    )
    changes = describe_changes(member, result, catalogue)
    return Planned(row, Action.UPDATE if changes else Action.UNCHANGED, result=result, changes=changes)


def scope_errors(
    row: RosterRow, department_id: int | None, member: Member | None, allowed: frozenset[int]
) -> list[str]:
    """A coordinator limited to departments imports only people of theirs."""
    errors = []
    if row.department and department_id is not None and department_id not in allowed:
        errors.append(f"You can import people of your departments only, not of {row.department}.")
    elif not row.department and (member is None or member.department_id is None):
        errors.append("Give the department: you can import people of your departments only.")
    if member is not None and member.department_id is not None and member.department_id not in allowed:
        errors.append("This person belongs to another department; its coordinator or an admin can update them.")
    return errors


def describe_changes(before: Member, after: Member, catalogue: Catalogue) -> tuple[str, ...]:
    """What an update changes, in words: "Career stage: Intern → Resident (PGY-2)"."""
    changes = []
    if before.name != after.name:
        changes.append(f"Name: {before.name} → {after.name}")
    if (before.stage, before.pgy_year) != (after.stage, after.pgy_year):
        old, new = career.stage_label(before.stage, before.pgy_year), career.stage_label(after.stage, after.pgy_year)
        changes.append(f"Career stage: {old} → {new}")
    if before.department_id != after.department_id:
        old = catalogue.department_names.get(before.department_id, "none")
        changes.append(f"Department: {old} → {catalogue.department_names.get(after.department_id, 'none')}")
    if before.specialty_ids != after.specialty_ids:
        names = sorted(catalogue.specialty_names.get(i, "?") for i in after.specialty_ids)
        changes.append("Interests: " + (", ".join(names) or "none"))
    return tuple(changes)


def counts(planned: list[Planned]) -> dict[str, int]:
    """How many rows of each action, every action listed."""
    tally = dict.fromkeys(Action.ALL, 0)
    for item in planned:
        tally[item.action] += 1
    return tally
