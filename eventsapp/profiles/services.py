"""Profile rules: what a profile may hold, and what others may see of it."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from eventsapp.accounts.models import User
from eventsapp.accounts.services import normalise_name
from eventsapp.errors import DomainError, NotFound
from eventsapp.profiles import career, help_kinds, signals
from eventsapp.profiles.models import (
    BIO_MAX,
    INTRO_CAPACITY_MAX,
    AttendanceVisibility,
    Department,
    EventReminders,
    Profile,
    Specialty,
)
from eventsapp.text import clean
from eventsapp.timeutil import zone_named

MAX_INTERESTS = 10


@dataclass
class ProfileChanges:
    name: str
    career_stage: str | None
    pgy_year: int | None
    department_id: int | None
    specialty_ids: list[int] = field(default_factory=list)
    bio: str = ""
    open_to_interns: bool = False
    intro_capacity: int = 3
    show_department: bool = True
    show_interests: bool = True
    show_bio: bool = True
    attendance_visibility: str = AttendanceVisibility.MEMBERS
    timezone: str | None = None
    email_notifications: bool = True
    event_reminders: str = EventReminders.DEFAULT
    weekly_digest: bool = True
    request_reminders: bool = True
    help_kinds: list[str] = field(default_factory=list)  # looked for or offered, by career stage


def active_specialties(session: Session) -> list[Specialty]:
    return list(
        session.scalars(sa.select(Specialty).where(Specialty.is_active).order_by(Specialty.category, Specialty.name))
    )


def department_choices(session: Session, profile: Profile) -> list[Department]:
    """Active departments, plus the member's own if it has been retired
    (retired entries stay on the profiles that have them)."""
    condition = Department.is_active
    if profile.department_id is not None:
        condition = sa.or_(condition, Department.id == profile.department_id)
    return list(session.scalars(sa.select(Department).where(condition).order_by(Department.name)))


#: Choices stored as the form gives them, once the rules above hold.
COPIED_AS_GIVEN = (
    "open_to_interns",
    "intro_capacity",
    "show_department",
    "show_interests",
    "show_bio",
    "attendance_visibility",
    "event_reminders",
    "weekly_digest",
    "request_reminders",
)


def update_profile(session: Session, user: User, changes: ProfileChanges, *, site: str = "") -> Profile:
    """Apply every change or none: all rules are checked before anything is
    set. `site`: this site's address, for links in what the change sends."""
    name = normalise_name(changes.name)
    stage = changes.career_stage
    if stage not in career.STAGES:
        raise DomainError("Choose your career stage.", field="career_stage")
    pgy_year = None
    if stage == career.RESIDENT:
        if changes.pgy_year is None or not career.PGY_MIN <= changes.pgy_year <= career.PGY_MAX:
            raise DomainError(
                f"Residents: enter your PGY year ({career.PGY_MIN} to {career.PGY_MAX}).", field="pgy_year"
            )
        pgy_year = changes.pgy_year
    if changes.open_to_interns and not career.can_mentor(stage):
        raise DomainError(
            "Only residents and more senior colleagues can offer to meet interns.", field="open_to_interns"
        )
    if not 1 <= changes.intro_capacity <= INTRO_CAPACITY_MAX:
        raise DomainError(f"Choose between 1 and {INTRO_CAPACITY_MAX} introductions.", field="intro_capacity")
    bio = clean(changes.bio, multiline=True)
    if len(bio) > BIO_MAX:
        raise DomainError(f"Keep your bio under {BIO_MAX} characters.", field="bio")
    department = chosen_department(session, user.profile, changes.department_id)
    specialties = chosen_specialties(session, user.profile, changes.specialty_ids)
    # Choices made on the form for the other side (it was drawn for the
    # old career stage: what one looked for, privately) are not carried
    # over as what one offers, or the reverse: that side starts afresh.
    switched = help_kinds.offers_help(stage) != help_kinds.offers_help(user.profile.career_stage)
    kinds = [] if switched else chosen_help(stage, changes.help_kinds)
    if changes.attendance_visibility not in AttendanceVisibility.ALL:
        raise DomainError("Choose who may see your name.", field="attendance_visibility")
    zone = changes.timezone or None
    if zone is not None and zone_named(zone) is None:
        raise DomainError("Choose a time zone from the list.", field="timezone")
    if changes.event_reminders not in EventReminders.ALL:
        raise DomainError("Choose when to be reminded from the list.", field="event_reminders")

    profile = user.profile
    if profile.open_to_interns and not changes.open_to_interns:
        # Leaving takes effect at once: nobody keeps waiting on an answer.
        signals.opted_out.send(session, user=user, site=site)
    user.name = name
    profile.career_stage = stage
    profile.pgy_year = pgy_year
    profile.department = department
    profile.specialties = specialties
    set_help(profile, kinds, offered=help_kinds.offers_help(stage))
    profile.bio = bio
    profile.timezone = zone
    user.email_notifications = changes.email_notifications
    for key in COPIED_AS_GIVEN:
        setattr(profile, key, getattr(changes, key))
    session.commit()
    return profile


def chosen_department(session: Session, profile: Profile, department_id: int | None) -> Department | None:
    """The chosen department: an active one, or the member's own retired one."""
    if department_id is None:
        return None
    department = session.get(Department, department_id)
    kept = department is not None and department.id == profile.department_id
    if department is None or not (department.is_active or kept):
        raise DomainError("Choose a department from the list.", field="department_id")
    return department


def chosen_help(stage: str | None, kinds: list[str]) -> list[str]:
    """The kinds of help submitted, checked against the side this career
    stage is on (interns look for help, seniors offer it)."""
    wanted = set(kinds)
    if not wanted <= set(help_kinds.KINDS):
        raise DomainError("Choose kinds of help from the list.", field="help_kinds")
    if not wanted <= set(help_kinds.choices_for(stage)):
        raise DomainError(
            f"“{help_kinds.ASKED[help_kinds.EXPLORING]}” is for those looking for help, not offering it.",
            field="help_kinds",
        )
    return [kind for kind in help_kinds.KINDS if kind in wanted]


def set_help(profile: Profile, kinds: list[str], *, offered: bool) -> None:
    """The profile's kinds of help become these, on one side (choices on
    the other side, from an earlier career stage, go)."""
    profile.help_offered = help_kinds.to_bits(kinds) if offered else 0
    profile.help_asked = 0 if offered else help_kinds.to_bits(kinds)


def chosen_specialties(session: Session, profile: Profile, ids: list[int]) -> list[Specialty]:
    """The submitted interests, plus retired ones the person already had
    (they were not offered on the form, so leaving them out is not a choice)."""
    wanted = set(ids)
    if len(wanted) > MAX_INTERESTS:
        raise DomainError(f"Choose at most {MAX_INTERESTS} interests.", field="specialty_ids")
    found = (
        list(session.scalars(sa.select(Specialty).where(Specialty.id.in_(wanted), Specialty.is_active)))
        if wanted
        else []
    )
    if len(found) != len(wanted):
        raise DomainError("Choose interests from the list.", field="specialty_ids")
    retired = [s for s in profile.specialties if not s.is_active]
    return sorted(found + retired, key=lambda s: s.name)


@dataclass(frozen=True)
class PublicProfile:
    """What one member may see of another's profile."""

    user_id: int
    name: str
    stage_label: str
    department: str | None
    interests: list[str] | None
    bio: str | None
    open_to_interns: bool
    is_own: bool
    email: str | None = None  # only between connected colleagues, to a viewer whose own address is confirmed
    email_hidden: bool = False  # connected, but the viewer has not confirmed their own address yet
    can_ask: bool = False  # the viewer may ask this colleague for an introduction
    event_reminders: str | None = None  # the owner's choice, shown to them alone
    offers: list[str] | None = None  # a senior's kinds of help, shown with their interests
    looking_for: list[str] | None = None  # an intern's, shown to them alone


def profile_for_viewer(session: Session, viewer: User, user_id: int, *, connected: bool) -> PublicProfile:
    """`connected`: whether the two have an active introduction (then each
    sees the other's email), as introductions, above profiles, knows it."""
    user = session.scalar(
        sa.select(User).where(User.id == user_id).options(selectinload(User.profile).selectinload(Profile.specialties))
    )
    if user is None:
        raise NotFound("No such person.")
    profile = user.profile
    own = viewer.id == user.id
    linked = not own and connected
    offers = help_kinds.offers_help(profile.career_stage)
    help_labels = [help_kinds.ASKED[k] for k in profile.chosen_help(offered=offers)]
    senior_to_viewer = career.SENIORITY.get(profile.career_stage or "", -1) > career.SENIORITY.get(
        viewer.profile.career_stage or "", 0
    )
    return PublicProfile(
        user_id=user.id,
        name=user.name,
        stage_label=profile.stage_label,
        department=profile.department.name if profile.department and (own or profile.show_department) else None,
        interests=[s.name for s in profile.specialties] if own or profile.show_interests else None,
        bio=(profile.bio or None) if own or profile.show_bio else None,
        open_to_interns=profile.open_to_interns,
        is_own=own,
        email=user.email if linked and viewer.email_verified else None,
        email_hidden=linked and not viewer.email_verified,
        can_ask=not own and not linked and profile.open_to_interns and senior_to_viewer,
        event_reminders=EventReminders.LABELS[profile.event_reminders] if own else None,
        offers=help_labels if offers and (own or profile.show_interests) else None,
        looking_for=help_labels if own and not offers else None,
    )
