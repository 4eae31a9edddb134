from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class RsvpForm(FlaskForm):
    """The answer buttons: the chosen answer comes from the button pressed."""

    state = HiddenField()
    revision = HiddenField()
