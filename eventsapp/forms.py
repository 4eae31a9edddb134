"""Form helpers shared by every domain."""
from __future__ import annotations

from flask_wtf import FlaskForm

from eventsapp.errors import DomainError


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's message next to the field it concerns, or at the top."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        # WTForms gives a tuple when the field was never validated.
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
