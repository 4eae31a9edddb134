"""`next=` and `back=` send people only to pages of this site. Browsers read
`//evil`, `/\\evil`, `\\\\\\evil` and `https:evil` as another site, so each
is refused wherever the app redirects to an address it was given. (Logging
in with `next=` is in test_accounts_login.py.)"""

from __future__ import annotations

import pytest

from eventsapp.accounts.urls import safe_next_path
from tests.factories import make_user
from tests.security_routes import log_in

OFF_SITE = [
    "//evil.example",
    "/\\evil.example",
    "\\\\\\evil.example",
    "https:evil.example",
    "https://evil.example/",
    "/\t/evil.example",
    "javascript:alert(1)",
    "evil.example",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_no_off_site_address_is_taken_as_a_path(target):
    assert safe_next_path(target) is None


@pytest.mark.parametrize("target", ["/events", "/events/3?scope=mine", "/people/where#top"])
def test_paths_on_this_site_are_kept(target):
    assert safe_next_path(target) == target


@pytest.mark.parametrize("target", OFF_SITE)
def test_a_member_already_logged_in_is_not_sent_off_the_site(client, target):
    log_in(client, make_user())
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302 and response.location == "/"


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_admin_role_form_returns_only_to_a_page_of_this_site(client, target):
    log_in(client, make_user(role="admin"))
    member = make_user()
    response = client.post(f"/admin/people/{member.id}/role", data={"role": "organizer", "back": target})
    assert response.status_code == 302 and response.location == "/admin/people"


def test_the_login_form_carries_a_safe_next_along(client):
    page = client.get("/login", query_string={"next": "/events/new"}).get_data(as_text=True)
    assert 'value="/events/new"' in page
