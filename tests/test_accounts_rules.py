"""The pure rules behind accounts: redirects, passwords, email spelling."""

import pytest

from eventsapp.accounts import passwords
from eventsapp.accounts.services import normalise_email
from eventsapp.accounts.urls import safe_next_path
from eventsapp.errors import DomainError


@pytest.mark.parametrize("target", ["/", "/profile/edit", "/people/3?tab=bio", "/a\\b"])
def test_paths_on_this_site_are_accepted(target):
    assert safe_next_path(target) == target.replace("\\", "/")


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil",
        "/\\evil",
        "\\\\\\evil",
        "https:evil",
        "http://evil/",
        "evil",
        "/\t/evil",
        "/\n/evil",
        "\\/evil",
        "ftp://x",
        "javascript:alert(1)",
    ],
)
def test_anything_that_leaves_the_site_is_refused(target):
    assert safe_next_path(target) is None


def test_a_good_passphrase_passes_and_verifies():
    passwords.check_password_rules("stairs to the cath lab", email="a@b.example", name="Ana")
    hashed = passwords.hash_password("stairs to the cath lab")
    assert passwords.verify_password(hashed, "stairs to the cath lab")
    assert not passwords.verify_password(hashed, "stairs to the cath lab!")


def test_overlong_password_is_rejected_before_hashing():
    hashed = passwords.hash_password("x" * 20)
    assert not passwords.verify_password(hashed, "x" * 10_000)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Ana@Example.ORG", "ana@example.org"),
        ("  ana@example.org\n", "ana@example.org"),
        ("zoë@bücher.example", "zoë@bücher.example"),
    ],
)
def test_emails_have_one_spelling(raw, expected):
    assert normalise_email(raw) == expected


@pytest.mark.parametrize("raw", ["", "ana", "ana@", "@example.org", "a b@example.org"])
def test_malformed_emails_are_refused(raw):
    with pytest.raises(DomainError):
        normalise_email(raw)
