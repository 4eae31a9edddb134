"""The demo hospital's kinds of help: a newcomer sees them in suggestions."""

from collections import Counter

from eventsapp.demo.helps import help_kinds_of
from eventsapp.demo.people import demo_people
from eventsapp.profiles.help_kinds import EXPLORING, OFFERED, offers_help


def test_seniors_open_to_interns_offer_every_kind_of_help_between_them():
    offered = Counter(k for p in demo_people() if p.open_to_interns for k in help_kinds_of(p))
    assert set(offered) == set(OFFERED) and min(offered.values()) >= 5


def test_nobody_offers_help_without_meeting_interns_and_nobody_offers_exploring():
    for person in demo_people():
        if offers_help(person.career_stage):
            assert EXPLORING not in help_kinds_of(person)
            assert help_kinds_of(person) == () or person.open_to_interns


def test_some_interns_are_still_exploring_specialties():
    interns = [p for p in demo_people() if p.career_stage == "intern"]
    assert 3 <= sum(EXPLORING in help_kinds_of(p) for p in interns) < len(interns)


def test_the_demo_intern_sees_what_help_colleagues_offer(runner, client, auth):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    auth.login("intern@riverside.example", "welcome-to-rounds")
    page = client.get("/people").get_data(as_text=True)
    tomas = page[page.index(">Tomás Ferreira</a>") :]
    assert tomas.index("<li>Offers help with clinical challenges, career advice and networking</li>") < tomas.index(
        "<li>Both interested in"
    )
