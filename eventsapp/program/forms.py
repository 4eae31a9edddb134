from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
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

    def offer(self, series: list[tuple[int, str]]) -> None:
        """The series to choose from, as SelectChoice: the select's quick path
        (eventsapp.forms.QuickSelect) takes those only, and 85 series as
        tuples made a third of the page's cost."""
        self.series_id.choices = [SelectChoice(i, label) for i, label in series]
