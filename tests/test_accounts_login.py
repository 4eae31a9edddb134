"""Logging in and out."""

import pytest

from tests.factories import make_user


def test_member_logs_in_and_sees_their_name_in_the_navigation(client, auth):
    make_user("Kim Lee", email="kim@hospital.example")
    response = auth.login("kim@hospital.example")
    assert response.status_code == 302 and response.location == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Kim Lee" in page and "Log out" in page


def test_email_is_matched_regardless_of_case_and_spaces(client, auth):
    make_user(email="kim@hospital.example")
    assert auth.login("  KIM@Hospital.Example ").status_code == 302


def test_failed_login_does_not_reveal_whether_the_email_exists(client, auth):
    make_user(email="kim@hospital.example")
    wrong_password = auth.login("kim@hospital.example", "not the password")
    unknown_email = auth.login("nobody@hospital.example", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "That email and password don&#39;t match an account."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown_email.get_data(as_text=True)
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_empty_login_form_says_what_is_missing(client):
    page = client.post("/login", data={}).get_data(as_text=True)
    assert "Enter your email address." in page and "Enter your password." in page


def test_login_goes_on_to_the_page_that_asked_for_it(client, auth):
    make_user(email="kim@hospital.example")
    response = client.get("/profile/edit")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    response = auth.login("kim@hospital.example", next="/profile/edit")
    assert response.location == "/profile/edit"


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "\\\\\\evil.example",
        "https:evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        "evil.example",
    ],
)
def test_login_never_sends_anyone_off_the_site(client, auth, target):
    make_user(email="kim@hospital.example")
    response = auth.login("kim@hospital.example", next=target)
    assert response.status_code == 302
    assert response.location == "/"


def test_logout_ends_the_session(client, auth):
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/profile/edit").status_code == 302


def test_logout_is_not_possible_with_a_link(client, auth):
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    assert client.get("/logout").status_code == 405
    assert client.get("/profile/edit").status_code == 200
