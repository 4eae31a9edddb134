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
    """An account as a roster sees it (user_id 0: not created yet).
    `manages_own`: an admin or a program coordinator, whose details no roster
    changes; `unproven`: registered with a password but the address never
    confirmed, so whoever chose the password may not own the address."""

    user_id: int
    email: str
    name: str
    stage: str | None
    pgy_year: int | None
    department_id: int | None
    specialty_ids: frozenset[int]
    manages_own: bool = False
    unproven: bool = False


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
    # The import takes the account from whoever registered it and invites the address.
    ends_claim: bool = False


OUTSIDE = "This address belongs to an account outside your departments; an admin can import it."
MANAGES_OWN = "This address belongs to an admin or a program coordinator, who manages their own details."
ENDS_CLAIM = "An unconfirmed account holds this address: its password will be removed and the person invited."


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
    if member is not None and member.manages_own and OUTSIDE not in errors:
        errors.append(MANAGES_OWN)
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
    if member.unproven:
        if allowed is not None and member.department_id not in allowed:
            changes = ()  # a claim the importer's scope does not cover: none of its details shown
        return Planned(row, Action.UPDATE, result=result, changes=(ENDS_CLAIM, *changes), ends_claim=True)
    return Planned(row, Action.UPDATE if changes else Action.UNCHANGED, result=result, changes=changes)


def scope_errors(
    row: RosterRow, department_id: int | None, member: Member | None, allowed: frozenset[int]
) -> list[str]:
    """A coordinator limited to departments imports only people of theirs: the
    row's department and an existing account's must both be among them. An
    account outside them (or without a department) is named by no detail of
    its own, so that knowing an address tells nothing about its account.
    One exception: an address registered without a department and never
    confirmed (a self-registration, perhaps not by its owner) is nobody's
    yet, and a roster naming one of theirs takes it back as an admin's does."""
    errors = []
    unclaimed = member is not None and member.unproven and member.department_id is None
    if row.department and department_id is not None and department_id not in allowed:
        errors.append(f"You can import people of your departments only, not of {row.department}.")
    elif not row.department and (member is None or unclaimed):
        errors.append("Give the department: you can import people of your departments only.")
    if member is not None and member.department_id not in allowed and not unclaimed:
        errors.append(OUTSIDE)
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


def claims(planned: list[Planned]) -> int:
    """How many rows take an account from an unconfirmed claimant."""
    return sum(1 for item in planned if item.ends_claim)


def counts(planned: list[Planned]) -> dict[str, int]:
    """How many rows of each action, every action listed."""
    tally = dict.fromkeys(Action.ALL, 0)
    for item in planned:
        tally[item.action] += 1
    return tally
