"""What People to meet and an event's page say of the help an intern looks
for and a senior offers, and how an intern still exploring sees several
specialties at the top."""

import re

import pytest

from tests.factories import make_department, make_event, make_rsvp, make_user

INTERESTS = ["Cardiology", "Clinical research", "Medical education"]


@pytest.fixture
def intern(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", interests=INTERESTS, helps=["career", "clinical"])
    auth.login("maya@hospital.example")
    return user


def make_senior(name, **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"])
    return make_user(name, **{**values, **kwargs})


def names_in_order(page: str) -> list[str]:
    return re.findall(r'<h3><a href="/people/\d+">([^<]+)</a></h3>', page)


def reasons_of(page: str, name: str) -> list[str]:
    card = page[page.index(f">{name}</a>") :]
    card = card[: card.index("</ul>")]
    return re.findall(r"<li>([^<]+)</li>", card)


def test_a_senior_offering_the_help_the_intern_looks_for_comes_first_and_says_so(client, intern):
    make_senior("Dr Aaron Plain")
    make_senior("Dr Zed Helpful", helps=["career", "support"])
    page = client.get("/people").get_data(as_text=True)
    assert names_in_order(page) == ["Dr Zed Helpful", "Dr Aaron Plain"]
    assert reasons_of(page, "Dr Zed Helpful") == ["Offers career advice", "Both interested in Cardiology"]
    assert reasons_of(page, "Dr Aaron Plain") == ["Both interested in Cardiology"]


def test_help_offered_by_someone_who_hides_their_interests_is_neither_said_nor_counted(client, intern):
    make_senior("Dr Aaron Plain", interests=["Cardiology"])
    rounds = make_event(title="Heart Failure Rounds")
    make_rsvp(rounds, intern)
    hidden = make_senior("Dr Zed Hidden", helps=["career"], show_interests=False)
    make_rsvp(rounds, hidden)  # suggested for the event they share, not for their hidden interests
    page = client.get("/people").get_data(as_text=True)
    assert "Offers" not in reasons_of(page, "Dr Zed Hidden")[0]


def test_who_to_meet_here_says_the_help_offered_too(client, intern):
    rounds = make_event(title="Heart Failure Rounds")
    make_rsvp(rounds, intern)
    make_rsvp(rounds, make_senior("Dr Zed Helpful", helps=["clinical"], attendance_visibility="members"))
    page = client.get(f"/events/{rounds.id}").get_data(as_text=True)
    assert "Offers help with clinical challenges" in page


def test_an_intern_still_exploring_sees_several_specialties_among_the_first_five(client, auth):
    make_user("Sam Lee", email="sam@hospital.example", interests=INTERESTS, helps=["exploring"])
    cardiology, surgery, pediatrics = (make_department(n) for n in ("Cardiology", "Surgery", "Pediatrics"))
    for n in range(5):  # the best matches, all in one department
        make_senior(f"Dr Cardio {n}", department=cardiology, interests=INTERESTS)
    make_senior("Dr Surgeon", department=surgery)
    make_senior("Dr Pediatrician", department=pediatrics)
    auth.login("sam@hospital.example")
    top = names_in_order(client.get("/people").get_data(as_text=True))[:5]
    assert top == ["Dr Cardio 0", "Dr Cardio 1", "Dr Pediatrician", "Dr Surgeon", "Dr Cardio 2"]


def test_an_intern_not_exploring_sees_the_best_matches_first(client, intern):
    cardiology, surgery = make_department("Cardiology"), make_department("Surgery")
    for n in range(5):
        make_senior(f"Dr Cardio {n}", department=cardiology, interests=INTERESTS)
    make_senior("Dr Surgeon", department=surgery)
    top = names_in_order(client.get("/people").get_data(as_text=True))[:5]
    assert top == [f"Dr Cardio {n}" for n in range(5)]


def test_a_department_its_owner_hides_is_not_used_to_spread(client, auth):
    make_user("Sam Lee", email="sam@hospital.example", interests=INTERESTS, helps=["exploring"])
    cardiology, surgery = make_department("Cardiology"), make_department("Surgery")
    for n in range(5):
        make_senior(f"Dr Cardio {n}", department=cardiology, interests=INTERESTS, show_department=False)
    make_senior("Dr Surgeon", department=surgery)
    auth.login("sam@hospital.example")
    top = names_in_order(client.get("/people").get_data(as_text=True))[:5]
    assert top == [f"Dr Cardio {n}" for n in range(5)]
