"""The organizer's forms for a speed-mentoring evening."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import InputRequired, NumberRange

from eventsapp.forms import WholeNumberField
from eventsapp.speed.settings import BOUNDS, Settings


def _number(name: str, description: str) -> WholeNumberField:
    low, high, label = BOUNDS[name]
    return WholeNumberField(
        label,
        description=description,
        validators=[InputRequired("Enter a number."), NumberRange(low, high, f"Choose from {low} to {high}.")],
    )


class SettingsForm(FlaskForm):
    rounds = _number("rounds", "How many conversations each intern has. At most one per senior present.")
    round_minutes = _number("round_minutes", "How long each conversation lasts.")
    break_minutes = _number("break_minutes", "Time to change tables between rounds (0 for none).")
    tables = _number("tables", "Each table hosts one senior colleague; extra tables stay empty.")
    seats_per_table = _number("seats_per_table", "How many interns sit with a senior at once.")
    version = HiddenField()

    def settings(self) -> Settings:
        return Settings(*(getattr(self, name).data for name in BOUNDS))


class ActionForm(FlaskForm):
    """Plan, start a round, turn off: a button with the version the page showed."""

    version = HiddenField()
