"""What a member made by the hospital sign-in is asked first (docs/sso.md):
only their career stage and department; the rest of the profile waits."""

from __future__ import annotations

from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.profiles import career
from eventsapp.profiles.forms import CareerFields
from eventsapp.profiles.services import chosen_department, department_choices


class FirstDetailsForm(CareerFields):
    """Only what the profile's first three fields ask."""


def needs_first_details(user: User) -> bool:
    return user.profile.career_stage is None


def fill_department_choices(session: Session, form: FirstDetailsForm, user: User) -> None:
    form.department_id.choices = [SelectChoice(None, "No department")] + [
        SelectChoice(d.id, d.name) for d in department_choices(session, user.profile)
    ]


def set_first_details(
    session: Session, user: User, *, career_stage: str, pgy_year: int | None, department_id: int | None
) -> None:
    """Save the stage and department, all or nothing. Raises DomainError."""
    if career_stage not in career.STAGES:
        raise DomainError("Choose your career stage.", field="career_stage")
    if career_stage == career.RESIDENT and (pgy_year is None or not career.PGY_MIN <= pgy_year <= career.PGY_MAX):
        raise DomainError(f"Residents: enter your PGY year ({career.PGY_MIN} to {career.PGY_MAX}).", field="pgy_year")
    department = chosen_department(session, user.profile, department_id)
    user.profile.career_stage = career_stage
    user.profile.pgy_year = pgy_year if career_stage == career.RESIDENT else None
    user.profile.department = department
    session.commit()
