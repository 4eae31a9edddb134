"""Registration: what a newcomer sees, and the bad input the form survives."""

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from tests.factories import make_user

GOOD = {
    "name": "Ana Souza",
    "email": "ana.souza@hospital.example",
    "password": "stairs to the cath lab",
    "confirm": "stairs to the cath lab",
}


def register(client, **changes):
    return client.post("/register", data={**GOOD, **changes})


def user_count(session) -> int:
    session.rollback()  # end the read transaction: see what requests committed
    return session.scalar(sa.select(sa.func.count()).select_from(User))


def test_newcomer_registers_and_is_told_to_follow_the_mailed_link(client, session):
    response = register(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Check your inbox" in page and "ana.souza@hospital.example" in page
    assert "Follow the link we mailed to confirm your address and sign in" in page
    assert client.get("/profile/edit").status_code == 302  # signed in by the link, not before
    user = session.scalar(sa.select(User))
    assert user.profile is not None and user.profile.career_stage is None
    assert user.role == "member"


def test_email_is_stored_trimmed_and_in_lower_case(client, session):
    register(client, email="  Ana.Souza@Hospital.EXAMPLE ")
    assert session.scalar(sa.select(User.email)) == "ana.souza@hospital.example"


def test_password_is_stored_only_as_a_slow_salted_hash(client, session):
    register(client)
    stored = session.scalar(sa.select(User.password_hash))
    assert GOOD["password"] not in stored
    assert stored.startswith("scrypt:")


@pytest.mark.parametrize("email", ["ana.souza@hospital.example", "ANA.SOUZA@Hospital.Example"])
def test_an_email_already_registered_in_any_case_makes_no_second_account_and_says_nothing(client, session, email):
    make_user(email="ana.souza@hospital.example")
    response = register(client, email=email)
    assert response.status_code == 200
    assert "Check your inbox" in response.get_data(as_text=True)
    assert "already exists" not in response.get_data(as_text=True)
    assert user_count(session) == 1
    assert client.get("/profile/edit").status_code == 302  # nobody was signed in


def cookie_names(response) -> list[str]:
    return sorted(value.split("=", 1)[0] for value in response.headers.getlist("Set-Cookie"))


def test_a_new_and_a_taken_address_get_the_same_status_page_and_cookies(app, session):
    make_user(email="ana.souza@hospital.example")
    taken = register(app.test_client())
    new = register(app.test_client(), email="ben.okoro@hospital.example")
    assert taken.status_code == new.status_code == 200
    same = [r.get_data(as_text=True).replace(a, "X") for r, a in ((taken, "ana.souza"), (new, "ben.okoro"))]
    assert same[0] == same[1]
    assert cookie_names(taken) == cookie_names(new)
    assert "known_device" not in cookie_names(new)
    assert sorted(taken.headers.keys()) == sorted(new.headers.keys())


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1", "at least 10 characters"),
        ("password123", "too easy to guess"),
        ("aaaaaaaaaaaa", "too easy to guess"),
        ("ana.souza@hospital.example", "your name or email"),
        ("x" * 129, "128 characters"),
    ],
)
def test_weak_or_too_long_password_is_refused_with_the_reason(client, session, password, message):
    response = register(client, password=password, confirm=password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(session) == 0


@pytest.mark.parametrize("name", ["", "    ", "\t\n"])
def test_empty_name_is_refused(client, session, name):
    response = register(client, name=name)
    assert response.status_code == 422
    assert "Enter your name." in response.get_data(as_text=True)
    assert user_count(session) == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "N" * 121, "at most 120 characters"),
        ("email", "a" * 250 + "@x.example", "at most 254 characters"),
        ("email", "not-an-email", "valid email address"),
        ("email", "", "Enter your email address."),
        ("confirm", "something else entirely", "don&#39;t match"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field(client, session, field, value, message):
    response = register(client, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert user_count(session) == 0


def test_form_with_an_error_keeps_what_was_typed_but_not_the_password(client):
    page = register(client, confirm="different password").get_data(as_text=True)
    assert 'value="Ana Souza"' in page
    assert 'value="ana.souza@hospital.example"' in page
    assert GOOD["password"] not in page


def test_fields_of_the_wrong_type_are_refused_not_crashed_on(client, session):
    response = client.post(
        "/register", data={"name": ["a", "b"], "email": "x" * 5000, "password": "\x01" * 20, "confirm": ""}
    )
    assert response.status_code == 422
    assert user_count(session) == 0


def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(client, session):
    response = register(client, name="Ana\x00Souza")
    assert response.status_code == 400
    assert user_count(session) == 0


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200e ", "\x07\x08"])
def test_a_name_of_invisible_characters_counts_as_empty(client, session, name):
    response = register(client, name=name)
    assert response.status_code == 422
    assert "Enter your name." in response.get_data(as_text=True)
    assert user_count(session) == 0


def test_invisible_characters_are_dropped_from_names(client, session):
    register(client, name="Ana\u200b Sou\x07za")
    assert session.scalar(sa.select(User.name)) == "Ana Souza"


def test_logged_in_member_visiting_registration_goes_home(client, auth):
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    assert client.get("/register").status_code == 302
