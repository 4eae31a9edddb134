from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from eventsapp.accounts.models import Role
from eventsapp.forms import SelectField
from eventsapp.profiles.models import CATALOGUE_NAME_MAX


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[SelectChoice(Role.MEMBER, "Member"),
                                         SelectChoice(Role.ORGANIZER, "Organizer")],
                       validate_choice=False)


class EntryForm(FlaskForm):
    name = StringField("Name", validators=[
        DataRequired("Enter a name."),
        Length(max=CATALOGUE_NAME_MAX, message=f"Use at most {CATALOGUE_NAME_MAX} characters.")])
    category = StringField("Category", validators=[
        Length(max=CATALOGUE_NAME_MAX, message=f"Use at most {CATALOGUE_NAME_MAX} characters.")])
