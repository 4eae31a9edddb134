from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from eventsapp.accounts.passwords import MIN_LENGTH


class UploadForm(FlaskForm):
    file = FileField(
        "Roster file (CSV)",
        description="One line per person: name, email, career stage; PGY, department and interests may follow. "
        "CSV from Excel works, with commas or semicolons.",
        validators=[FileRequired("Choose the roster's CSV file.")],
    )


class JoinForm(FlaskForm):
    password = PasswordField(
        "Choose a password",
        description=f"At least {MIN_LENGTH} characters. A few unrelated words work well.",
        validators=[DataRequired("Choose a password.")],
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat your password."), EqualTo("password", "The passwords don't match.")],
    )
