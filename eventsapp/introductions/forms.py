from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from eventsapp.forms import one_line_break
from eventsapp.introductions.models import MESSAGE_MAX


class RequestForm(FlaskForm):
    message = TextAreaField(
        "Why would you like to meet?",
        description="A sentence or two: what you're interested in, and what you hope to learn.",
        validators=[
            DataRequired("Say in a sentence or two why you'd like to meet."),
            Length(max=MESSAGE_MAX, message=f"Keep it to at most {MESSAGE_MAX} characters."),
        ],
        filters=[one_line_break],
    )
