from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from eventsapp.accounts.models import EMAIL_MAX, NAME_MAX
from eventsapp.accounts.passwords import MAX_LENGTH, MIN_LENGTH


class RegisterForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
        ],
    )
    email = EmailField(
        "Email",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=EMAIL_MAX, message=f"Use at most {EMAIL_MAX} characters."),
        ],
    )
    password = PasswordField(
        "Password",
        description=f"At least {MIN_LENGTH} characters. A few unrelated words work well.",
        # Length and strength are checked by the account rules, with their reasons.
        validators=[DataRequired("Choose a password.")],
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired("Repeat your password."), EqualTo("password", "The passwords don't match.")],
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired("Enter your email address."), Length(max=EMAIL_MAX)])
    password = PasswordField("Password", validators=[DataRequired("Enter your password."), Length(max=MAX_LENGTH)])
    remember = BooleanField("Keep me logged in on this device")
    next = HiddenField()


class DeleteAccountForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired("Enter your password to confirm.")])
    confirm = BooleanField(
        "I understand that my account cannot be restored", validators=[DataRequired("Tick the box to confirm.")]
    )


class PasswordChangeForm(FlaskForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password."), Length(max=MAX_LENGTH)]
    )
    password = PasswordField(
        "New password",
        description=f"At least {MIN_LENGTH} characters. Your other devices are logged out.",
        validators=[DataRequired("Choose a new password.")],
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired("Repeat your new password."), EqualTo("password", "The passwords don't match.")],
    )


class ConfirmEmailForm(FlaskForm):
    """The confirm page's button; logged out, with the account's password."""

    password = PasswordField(
        "Your password", validators=[DataRequired("Enter the password you chose."), Length(max=MAX_LENGTH)]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        description="The address you log in with.",
        validators=[
            DataRequired("Enter your email address."),
            Length(max=EMAIL_MAX, message=f"Use at most {EMAIL_MAX} characters."),
        ],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description=f"At least {MIN_LENGTH} characters. Your other devices are logged out.",
        # Length and strength are checked by the account rules, with their reasons.
        validators=[DataRequired("Choose a new password.")],
    )
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired("Repeat your new password."), EqualTo("password", "The passwords don't match.")],
    )
