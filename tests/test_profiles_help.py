"""Kinds of help on profiles: interns say what they look for, seniors what
they offer."""

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from eventsapp.accounts.models import User
from eventsapp.profiles.models import Profile
from tests.factories import make_user

ASKED_LABELS = [
    "Clinical challenges",
    "Career and specialty choice",
    "Emotional support and work-life balance",
    "Networking and opportunities (research, conferences)",
    "Still exploring specialties",
]


@pytest.fixture
def intern(client, auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", stage="intern")
    auth.login("maya@hospital.example")
    return user


@pytest.fixture
def senior(client, auth):
    user = make_user("Dr. Rhea Patel", email="rhea@hospital.example", stage="fellow", open_to_interns=True)
    auth.login("rhea@hospital.example")
    return user


def form_data(stage="intern", **changes):
    data = {
        "name": "Maya Okafor",
        "career_stage": stage,
        "pgy_year": "",
        "department_id": "",
        "bio": "",
        "intro_capacity": "3",
        "show_department": "y",
        "show_interests": "y",
        "show_bio": "y",
    }
    return {**data, **changes}


def chosen(session, user) -> set[tuple[bool, str]]:
    session.rollback()  # see what requests committed
    profile = session.get(User, user.id).profile
    return {(False, k) for k in profile.chosen_help(offered=False)} | {
        (True, k) for k in profile.chosen_help(offered=True)
    }


def test_an_intern_is_asked_what_help_they_look_for_with_a_label_for_each(client, intern):
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "<legend>What help are you looking for?</legend>" in page
    for n, label in enumerate(ASKED_LABELS):
        assert f'<label for="help_kinds-{n}">{label}</label>' in page


def test_an_interns_choice_is_saved_and_shown_to_them_alone(client, auth, session, intern):
    response = client.post("/profile/edit", data=form_data(help_kinds=["career", "exploring"]))
    assert response.status_code == 302
    assert chosen(session, intern) == {(False, "career"), (False, "exploring")}
    own = client.get(f"/people/{intern.id}").get_data(as_text=True)
    assert "Help you are looking for" in own
    assert "Career and specialty choice" in own and "Still exploring specialties" in own
    form = client.get("/profile/edit").get_data(as_text=True)
    assert 'checked id="help_kinds-1"' in form and 'checked id="help_kinds-4"' in form
    make_user(email="colleague@hospital.example", stage="attending")
    auth.logout()
    auth.login("colleague@hospital.example")
    theirs = client.get(f"/people/{intern.id}").get_data(as_text=True)
    assert "Maya Okafor" in theirs and "Career and specialty choice" not in theirs


def test_a_senior_offers_help_and_members_see_it_on_their_profile(client, auth, session, senior):
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "<legend>What help can you offer?</legend>" in page
    assert "Still exploring specialties" not in page
    assert "the help you offer goes with them" in page  # beside "Show my specialty interests"
    data = form_data("fellow", name="Dr. Rhea Patel", open_to_interns="y", help_kinds=["clinical", "networking"])
    assert client.post("/profile/edit", data=data).status_code == 302
    assert chosen(session, senior) == {(True, "clinical"), (True, "networking")}
    make_user(email="intern@hospital.example")
    auth.logout()
    auth.login("intern@hospital.example")
    page = client.get(f"/people/{senior.id}").get_data(as_text=True)
    assert "Help offered to interns" in page
    assert "Clinical challenges" in page and "Networking and opportunities (research, conferences)" in page
    assert "Career and specialty choice" not in page


def test_a_senior_who_hides_their_interests_hides_their_offers_too(client, auth, session):
    rhea = make_user("Rhea", stage="attending", helps=["career"], show_interests=False)
    make_user(email="intern@hospital.example")
    auth.login("intern@hospital.example")
    page = client.get(f"/people/{rhea.id}").get_data(as_text=True)
    assert "Rhea" in page and "Career and specialty choice" not in page and "Help offered" not in page


@pytest.mark.parametrize(
    "stage, kinds, message",
    [
        ("intern", ["teaching"], "Choose kinds of help from the list."),
        ("intern", ["career", ""], "Choose kinds of help from the list."),
    ],
)
def test_an_unknown_kind_of_help_is_refused_and_nothing_is_saved(client, session, intern, stage, kinds, message):
    client.post("/profile/edit", data=form_data(help_kinds=["clinical"]))
    response = client.post("/profile/edit", data=form_data(stage, name="Changed", help_kinds=kinds))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    session.rollback()
    user = session.get(User, intern.id)
    assert user.name == "Maya Okafor" and user.profile.career_stage == "intern"
    assert chosen(session, intern) == {(False, "clinical")}


def test_a_senior_cannot_offer_still_exploring(client, session, senior):
    data = form_data("fellow", name="Changed", help_kinds=["career", "exploring"], open_to_interns="y")
    response = client.post("/profile/edit", data=data)
    assert response.status_code == 422
    assert "is for those looking for help, not offering it" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(User, senior.id).name == "Dr. Rhea Patel" and chosen(session, senior) == set()


def test_a_new_resident_offers_help_instead_of_looking_for_it(client, session, intern):
    client.post("/profile/edit", data=form_data(help_kinds=["career", "support", "exploring"]))
    # The boxes ticked on the intern's form said what they looked for, which
    # only they see: they do not become what the resident offers to all.
    response = client.post(
        "/profile/edit", data=form_data("resident", pgy_year="2", help_kinds=["career", "support", "exploring"])
    )
    assert response.status_code == 302
    assert chosen(session, intern) == set()
    assert "<legend>What help can you offer?</legend>" in client.get("/profile/edit").get_data(as_text=True)
    client.post("/profile/edit", data=form_data("resident", pgy_year="2", help_kinds=["career"]))
    assert chosen(session, intern) == {(True, "career")}


def test_the_data_export_holds_the_kinds_of_help(client, session, intern):
    client.post("/profile/edit", data=form_data(help_kinds=["support", "clinical"]))
    profile = json.loads(client.get("/account/export.json").get_data(as_text=True))["profile"]
    assert profile["help_looked_for"] == ["Clinical challenges", "Emotional support and work-life balance"]
    assert profile["help_offered"] == []


@pytest.mark.parametrize(
    "column, value",
    [("help_offered", 16), ("help_offered", 31), ("help_offered", -1), ("help_asked", 32), ("help_asked", -1)],
)
def test_the_database_refuses_a_kind_of_help_it_does_not_know(session, column, value):
    """16 is "still exploring specialties", which nobody offers; past 31 no kind is known."""
    user = make_user(stage="attending")
    with pytest.raises(IntegrityError):
        session.execute(sa.update(Profile).where(Profile.user_id == user.id).values({column: value}))
        session.commit()
    session.rollback()
