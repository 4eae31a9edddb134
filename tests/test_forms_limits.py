"""Fields with a length limit say so, and text longer than the limit is
refused with a message that keeps it, never cut short by the browser."""

import re

import pytest
import sqlalchemy as sa
import wtforms
from werkzeug.datastructures import MultiDict

from eventsapp.events.models import DESCRIPTION_MAX, Event
from eventsapp.forms import WholeNumberField
from eventsapp.profiles.models import BIO_MAX
from tests.test_events_views import form, organizer  # noqa: F401  (fixture)
from tests.test_profiles import form_data, member  # noqa: F401  (fixture)


def control(page: str, name: str) -> str:
    """The opening tag of the input or text area named `name`."""
    return re.search(rf'<(?:input|textarea)[^>]*\bname="{name}"[^>]*>', page).group(0)


def test_event_form_states_each_limit_and_leaves_pasted_text_whole(client, organizer):
    page = client.get("/events/new").get_data(as_text=True)
    assert "At most 200 characters." in page and "At most 10,000 characters." in page
    assert "At most 500 characters." in page  # the online link
    for name, limit in (("title", 200), ("description", DESCRIPTION_MAX), ("location", 200)):
        tag = control(page, name)
        assert "maxlength" not in tag and f'data-limit="{limit}"' in tag
        assert f"{name}-hint" in tag


def test_an_over_long_description_is_a_form_error_that_keeps_the_text(client, session, organizer):
    text = "Case review. " * 800  # 10,400 characters
    response = client.post("/events/new", data=form(description=text))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Use at most 10000 characters." in page and text.strip() in page
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_line_breaks_count_once_as_they_are_stored(client, session, organizer):
    lines = ["x" * 99] * (DESCRIPTION_MAX // 100)  # exactly the limit with one character per break
    text = "\n".join(lines) + "\n"
    assert len(text) == DESCRIPTION_MAX
    response = client.post("/events/new", data=form(description=text.replace("\n", "\r\n")))
    assert response.status_code == 302


def test_profile_bio_states_its_limit_and_keeps_an_over_long_bio(client, session, member):
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "At most 1,000 characters." in page and "maxlength" not in control(page, "bio")
    bio = "I like echocardiography. " * 50
    response = client.post("/profile/edit", data=form_data(bio=bio))
    assert response.status_code == 422
    assert f"Keep your bio to at most {BIO_MAX} characters." in response.get_data(as_text=True)
    assert bio.strip() in response.get_data(as_text=True)


@pytest.mark.parametrize("path, name", [("/login", "password"), ("/login", "email")])
def test_passwords_and_emails_keep_their_quiet_browser_limit(client, path, name):
    page = client.get(path).get_data(as_text=True)
    assert "maxlength" in control(page, name) and "At most" not in page


@pytest.mark.parametrize("typed", ["١٢", "１２", "1_0", "12a", "", " ", "1.5", "--3"])
def test_a_whole_number_is_ascii_digits_only(app, typed):
    class Numbers(wtforms.Form):
        count = WholeNumberField("Count")

    form = Numbers(MultiDict({"count": typed}))
    assert not form.validate()
    assert form.count.errors == ["Enter a whole number."] and form.count.data is None


@pytest.mark.parametrize(("typed", "number"), [("12", 12), (" 7 ", 7), ("-3", -3), ("+4", 4), ("0", 0)])
def test_a_whole_number_takes_ascii_digits_with_a_sign(app, typed, number):
    class Numbers(wtforms.Form):
        count = WholeNumberField("Count")

    form = Numbers(MultiDict({"count": typed}))
    assert form.validate() and form.count.data == number
