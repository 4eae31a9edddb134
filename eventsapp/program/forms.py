from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import NumberRange, Optional

from eventsapp.forms import ListChoiceField, WholeNumberField


class RequirementForm(FlaskForm):
    """The share of a series' meetings residents and interns should attend."""

    series_id = ListChoiceField("Series", coerce=int, choices=[])
    percent = WholeNumberField(
        "Required share (%)",
        validators=[Optional(), NumberRange(1, 100, "Give a share from 1 to 100%%.")],
        description="Leave empty to remove the requirement.",
    )
