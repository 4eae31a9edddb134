"""Administration: organizer rights, the specialty list and the departments."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from eventsapp.accounts.models import Role
from eventsapp.forms import CheckboxListField, SelectField
from eventsapp.profiles.models import CATALOGUE_NAME_MAX

#: The category list's "New category…" option. No category can be called
#: this: a catalogue name needs a letter or a digit.
NEW_CATEGORY = "+"


class RemoveAccountForm(FlaskForm):
    confirm = BooleanField(
        "I understand that this account cannot be restored", validators=[DataRequired("Tick the box to confirm.")]
    )


class RoleForm(FlaskForm):
    role = SelectField(
        "Role",
        choices=[SelectChoice(Role.MEMBER, "Member"), SelectChoice(Role.ORGANIZER, "Organizer")],
        validate_choice=False,
    )


class EntryForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter a name."),
            Length(max=CATALOGUE_NAME_MAX, message=f"Use at most {CATALOGUE_NAME_MAX} characters."),
        ],
    )
    # Specialties only. The choices are the categories in use (see entry_form);
    # the service checks the one sent is among them.
    category = SelectField(
        "Category",
        choices=[],
        validate_choice=False,
        render_kw={"data-new-category": "new_category", "data-new-value": NEW_CATEGORY},
    )
    new_category = StringField(
        "New category",
        description="Only used when the category is “New category…”.",
        render_kw={"maxlength": CATALOGUE_NAME_MAX},
    )

    def category_choice(self) -> dict:
        """save_entry's category arguments: an existing category, or the new one."""
        if self.category.data == NEW_CATEGORY:
            return {"category": "", "new_category": self.new_category.data or ""}
        return {"category": self.category.data or "", "new_category": None}


def entry_form(categories: list[str]) -> EntryForm:
    """The form to add or rename an entry, offering these categories."""
    form = EntryForm()
    form.category.choices = (
        [SelectChoice("", "Choose a category")]
        + [SelectChoice(c, c) for c in categories]
        + [SelectChoice(NEW_CATEGORY, "New category…")]
    )
    return form


class CoordinatorForm(FlaskForm):
    """Grant coordinator rights, or change a coordinator's departments."""

    email = StringField(
        "Email of the member",
        validators=[DataRequired("Enter the member's email address."), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    department_ids = CheckboxListField(
        "Departments",
        coerce=int,
        choices=[],
        description="Leave all unticked for the whole hospital.",
        message="Choose departments from the list.",
    )
