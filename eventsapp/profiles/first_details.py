"""What a member made by the hospital sign-in is asked first (docs/sso.md):
only their career stage and department; the rest of the profile waits."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.forms import ListChoiceField, SelectField, WholeNumberField, optional_int
from eventsapp.profiles import career
from eventsapp.profiles.services import chosen_department, department_choices


class FirstDetailsForm(FlaskForm):
    career_stage = SelectField(
        "Career stage",
        choices=[SelectChoice("", "Choose your stage")]
        + [SelectChoice(value, label) for value, label in career.STAGES.items()],
        validate_choice=False,
        validators=[DataRequired("Choose your career stage.")],
    )
    pgy_year = WholeNumberField(
        "PGY year (residents)",
        description="Your postgraduate year, e.g. 3 for a PGY-3 resident.",
        validators=[
            Optional(),
            NumberRange(career.PGY_MIN, career.PGY_MAX, f"Enter a year from {career.PGY_MIN} to {career.PGY_MAX}."),
        ],
    )
    department_id = ListChoiceField("Department", coerce=optional_int, validate_choice=False)


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
