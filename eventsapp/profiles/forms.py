from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from eventsapp.accounts.models import NAME_MAX
from eventsapp.forms import (
    CheckboxListField,
    ListChoiceField,
    SelectField,
    WholeNumberField,
    one_line_break,
    optional_int,
)
from eventsapp.profiles import career, help_kinds
from eventsapp.profiles.models import BIO_MAX, INTRO_CAPACITY_MAX, AttendanceVisibility, EventReminders


class CareerFields(FlaskForm):
    """Career stage, PGY year and department: the profile's, and all a member
    made by the hospital sign-in is asked first (first_details.py)."""

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


class ProfileForm(CareerFields):
    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters."),
        ],
    )
    specialty_ids = CheckboxListField("Specialty interests", coerce=int, message="Choose interests from the list.")
    # Every kind is accepted here; the page shows those of the member's side
    # (career stage), and the service checks the side.
    help_kinds = CheckboxListField(
        "Kinds of help",
        choices=[SelectChoice(kind, label) for kind, label in help_kinds.ASKED.items()],
        message="Choose kinds of help from the list.",
    )
    bio = TextAreaField(
        "Short bio",
        description="A sentence or two: what you work on, what you'd like to talk about.",
        validators=[Length(max=BIO_MAX, message=f"Keep your bio to at most {BIO_MAX} characters.")],
        filters=[one_line_break],
    )
    show_department = BooleanField("Show my department")
    show_interests = BooleanField(
        "Show my specialty interests", description="For residents and above, the help you offer goes with them."
    )
    show_bio = BooleanField("Show my bio")
    open_to_interns = BooleanField(
        "I am open to meeting interns",
        description="Residents and above only. Interns will see you among suggested colleagues.",
    )
    attendance_visibility = SelectField(
        "Who may see my name on attendee lists",
        validate_choice=False,
        description="Others only count you.",
        choices=[SelectChoice(v, label) for v, label in AttendanceVisibility.LABELS.items()],
    )
    timezone = SelectField("My time zone", validate_choice=False, description="Event times are shown in this zone.")
    email_notifications = BooleanField("Email me about changes to events I answered, introductions and mentorships")
    event_reminders = SelectField(
        "Event reminders",
        validate_choice=False,
        description="Before each event you're going to or waitlisted for: a notice here and an email.",
        choices=[SelectChoice(v, label) for v, label in EventReminders.LABELS.items()],
    )
    weekly_digest = BooleanField(
        "Email me a weekly digest",
        description="Once a week: next week's events that match your interests, "
        "and the senior colleagues suggested for you who are going.",
    )
    request_reminders = BooleanField(
        "Remind me of introduction requests waiting for my answer",
        description="3 and 10 days after a request arrives, while it waits: a notice here and an email.",
    )
    intro_capacity = WholeNumberField(
        "Introductions I can take on at once",
        validators=[
            InputRequired("Enter a number."),
            NumberRange(1, INTRO_CAPACITY_MAX, f"Choose between 1 and {INTRO_CAPACITY_MAX}."),
        ],
    )
