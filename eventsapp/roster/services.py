"""Uploading a roster, previewing it and importing it (docs/roster.md).

Nothing reaches the accounts before the coordinator confirms the preview;
the import plans the file again against the database as it is then, and
writes every valid row, or none, in one transaction with bulk statements:
the number of queries depends on the file's size only through chunks of
CHUNK addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.accounts.models import Role, User, name_sort_key
from eventsapp.accounts.passwords import AWAITING_INVITATION, is_hash
from eventsapp.accounts.services import end_unproven_claim
from eventsapp.errors import DomainError, NotFound
from eventsapp.profiles.models import Department, Profile, Specialty, profile_specialty
from eventsapp.program.models import Coordinator
from eventsapp.roster import invitations, parsing, planning
from eventsapp.roster.models import FILENAME_MAX, RosterImport, RosterInvitation
from eventsapp.text import clean

#: How long an upload waits for its "Import".
UPLOAD_LIFETIME = timedelta(days=1)
#: Addresses looked up per query: a whole file (SQLite takes 32,766 parameters, PostgreSQL 65,535).
CHUNK = parsing.MAX_ROWS
#: A password hash no password matches: the account waits for its invitation.
NO_PASSWORD = AWAITING_INVITATION


class ImportGone(NotFound):
    """No such upload, or someone else's."""


class UploadExpired(DomainError):
    """An upload nobody imported within UPLOAD_LIFETIME."""


@dataclass(frozen=True)
class Preview:
    upload: RosterImport
    planned: list[planning.Planned]
    counts: dict[str, int]
    encoding: str
    delimiter: str
    claims: int = 0  # updates that take an account from an unconfirmed claimant


@dataclass(frozen=True)
class Imported:
    created: int
    updated: int
    unchanged: int
    skipped: int
    claims: int = 0  # of the updated, accounts taken from an unconfirmed claimant and invited


def store_upload(session: Session, *, uploader_id: int, filename: str, data: bytes, now: datetime) -> RosterImport:
    """Keep a readable file for its preview; DomainError (nothing kept) otherwise."""
    try:
        parsed = parsing.parse(data)
    except parsing.RosterFileError as exc:
        raise DomainError(str(exc), field="file") from exc
    # Uploads nobody imported are dropped as new ones come.
    session.execute(sa.delete(RosterImport).where(RosterImport.imported_at.is_(None), RosterImport.expires_at <= now))
    upload = RosterImport(
        uploaded_by_id=uploader_id,
        filename=clean(filename)[:FILENAME_MAX],
        data=data,
        rows=len(parsed.rows),
        created_at=now,
        expires_at=now + UPLOAD_LIFETIME,
    )
    session.add(upload)
    session.commit()
    return upload


def pending_upload(session: Session, import_id: int, *, uploader_id: int, now: datetime) -> RosterImport:
    upload = session.get(RosterImport, import_id)
    if upload is None or upload.uploaded_by_id != uploader_id:
        raise ImportGone("No such upload.")
    if upload.imported_at is None and upload.expires_at <= now:
        raise UploadExpired("This upload has expired; upload the file again.")
    return upload


def preview(session: Session, upload: RosterImport, allowed: frozenset[int] | None) -> Preview:
    """What importing the upload would do now, row by row."""
    if upload.data is None:
        raise ImportGone("This file has been imported already.")
    parsed = parsing.parse(upload.data)
    planned = planning.plan(parsed.rows, load_catalogue(session), load_members(session, parsed.rows), allowed)
    tally = planning.counts(planned)
    return Preview(upload, planned, tally, parsed.encoding, parsed.delimiter, planning.claims(planned))


def run_import(
    session: Session,
    upload: RosterImport,
    *,
    actor_id: int,
    allowed: frozenset[int] | None,
    now: datetime,
) -> Imported:
    """Write the valid rows (those with errors are left out, as the preview
    says) and invite the new accounts and those taken from an unconfirmed
    claimant, all in one transaction (the worker mails the invitations)."""
    # Claimed first: two presses of the button cannot both import.
    claimed = session.execute(
        sa.update(RosterImport)
        .where(RosterImport.id == upload.id, RosterImport.imported_at.is_(None))
        .values(imported_at=now)
    ).rowcount
    if not claimed:
        session.rollback()
        raise ImportGone("This file has been imported already.")
    result = preview(session, upload, allowed)
    try:
        created = create_accounts(
            session, [p.result for p in result.planned if p.action == planning.Action.CREATE], now
        )
        claimed_ids = end_claims(session, [p.result.user_id for p in result.planned if p.ends_claim])
        update_accounts(session, [p.result for p in result.planned if p.action == planning.Action.UPDATE])
    except IntegrityError as exc:
        # Someone registered one of these addresses since the file was planned: nothing is kept.
        session.rollback()
        raise DomainError("Someone joined with one of these addresses meanwhile: press Import again.") from exc
    invitations.invite(session, created + claimed_ids, import_id=upload.id, sent_by_id=actor_id, now=now)
    tally = result.counts
    session.execute(
        sa.update(RosterImport)
        .where(RosterImport.id == upload.id)
        .values(data=None, created=tally["create"], updated=tally["update"])
    )
    session.commit()
    return Imported(tally["create"], tally["update"], tally["unchanged"], tally["error"], len(claimed_ids))


def load_catalogue(session: Session) -> planning.Catalogue:
    departments = session.execute(sa.select(Department.id, Department.name, Department.is_active)).all()
    specialties = session.execute(sa.select(Specialty.id, Specialty.name, Specialty.is_active)).all()
    return planning.Catalogue(
        departments={name.casefold(): id_ for id_, name, active in departments if active},
        specialties={name.casefold(): id_ for id_, name, active in specialties if active},
        department_names={id_: name for id_, name, _ in departments},
        specialty_names={id_: name for id_, name, _ in specialties},
    )


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load_members(session: Session, rows: list[parsing.RosterRow]) -> dict[str, planning.Member]:
    """The accounts the rows name, by email: two queries per CHUNK addresses."""
    emails = sorted({row.email for row in rows if row.email})
    found: dict[str, planning.Member] = {}
    for chunk in _chunks(emails):
        people = session.execute(
            sa.select(
                User.id,
                User.email,
                User.name,
                User.role,
                User.email_verified_at,
                User.password_hash,
                Coordinator.user_id.label("coordinator"),
                Profile.career_stage,
                Profile.pgy_year,
                Profile.department_id,
            )
            .outerjoin(Profile, Profile.user_id == User.id)
            .outerjoin(Coordinator, Coordinator.user_id == User.id)
            .where(User.email.in_(chunk))
        ).all()
        interests: dict[int, set[int]] = {}
        ids = [p.id for p in people]
        if ids:
            links = session.execute(
                sa.select(profile_specialty.c.profile_id, profile_specialty.c.specialty_id).where(
                    profile_specialty.c.profile_id.in_(ids)
                )
            )
            for profile_id, specialty_id in links:
                interests.setdefault(profile_id, set()).add(specialty_id)
        for p in people:
            found[p.email] = planning.Member(
                p.id,
                p.email,
                p.name,
                p.career_stage,
                p.pgy_year,
                p.department_id,
                frozenset(interests.get(p.id, ())),
                manages_own=p.role == Role.ADMIN or p.coordinator is not None,
                unproven=p.email_verified_at is None and is_hash(p.password_hash),
            )
    return found


def end_claims(session: Session, user_ids: list[int]) -> list[int]:
    """Take each account from whoever registered it without confirming the
    address: its password (now NO_PASSWORD), logins and standing credentials
    go, and an earlier invitation gives way to the one this import sends.
    Two statements per claim besides the bulk ones (accounts' own rule)."""
    for chunk in _chunks(user_ids):
        for user in session.scalars(sa.select(User).where(User.id.in_(chunk))):
            end_unproven_claim(session, user, marker=NO_PASSWORD)
        session.execute(sa.delete(RosterInvitation).where(RosterInvitation.user_id.in_(chunk)))
    return user_ids


def create_accounts(session: Session, members: list[planning.Member], now: datetime) -> list[int]:
    """Accounts with their profiles and interests, in bulk; no usable password yet.
    (accounts' account_created is not sent: its one receiver gives the profile this inserts.)"""
    if not members:
        return []
    rows = [
        {
            "email": m.email,
            "name": m.name,
            "name_key": name_sort_key(m.name),
            "password_hash": NO_PASSWORD,
            "role": "member",
            "created_at": now,
            "email_notifications": True,
        }
        for m in members
    ]
    ids: dict[str, int] = {}
    for chunk in _chunks(rows):
        ids.update(session.execute(sa.insert(User).returning(User.email, User.id), chunk).tuples().all())
    session.execute(
        sa.insert(Profile),
        [
            {
                "user_id": ids[m.email],
                "career_stage": m.stage,
                "pgy_year": m.pgy_year,
                "department_id": m.department_id,
                "updated_at": now,
            }
            for m in members
        ],
    )
    links = [{"profile_id": ids[m.email], "specialty_id": s} for m in members for s in m.specialty_ids]
    if links:
        session.execute(sa.insert(profile_specialty), links)
    return [ids[m.email] for m in members]


def update_accounts(session: Session, members: list[planning.Member]) -> None:
    """Names, career stages, departments and interests as the roster says, in bulk."""
    if not members:
        return
    session.execute(
        sa.update(User), [{"id": m.user_id, "name": m.name, "name_key": name_sort_key(m.name)} for m in members]
    )
    session.execute(
        sa.update(Profile),
        [
            {"user_id": m.user_id, "career_stage": m.stage, "pgy_year": m.pgy_year, "department_id": m.department_id}
            for m in members
        ],
    )
    ids = [m.user_id for m in members]
    for chunk in _chunks(ids):
        session.execute(sa.delete(profile_specialty).where(profile_specialty.c.profile_id.in_(chunk)))
    links = [{"profile_id": m.user_id, "specialty_id": s} for m in members for s in m.specialty_ids]
    if links:
        session.execute(sa.insert(profile_specialty), links)
