"""Profiles: what members say about themselves, and what others may see."""

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.profiles.models import Specialty
from tests.factories import make_department, make_user, specialty


@pytest.fixture
def member(client, auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", stage=None)
    auth.login("maya@hospital.example")
    return user


def form_data(**changes):
    data = {
        "name": "Maya Okafor",
        "career_stage": "intern",
        "pgy_year": "",
        "department_id": "",
        "bio": "",
        "intro_capacity": "3",
        "show_department": "y",
        "show_interests": "y",
        "show_bio": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def reload(session, user):
    session.rollback()  # end the read transaction: see what requests committed
    return session.get(User, user.id)


def test_member_sets_stage_department_interests_and_bio(client, session, member):
    cardiology = make_department("Cardiology department")
    ids = [specialty("Cardiology").id, specialty("Clinical research").id]
    response = client.post(
        "/profile/edit",
        data=form_data(
            department_id=str(cardiology.id),
            specialty_ids=[str(i) for i in ids],
            bio="Night float survivor. Curious about heart failure research.",
        ),
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Intern" in page and "Cardiology department" in page
    assert "Clinical research" in page and "heart failure research" in page
    profile = reload(session, member).profile
    assert [s.name for s in profile.specialties] == ["Cardiology", "Clinical research"]


def test_edit_form_shows_the_curated_list_grouped_with_labels(client, member):
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Surgical specialties" in page and "Cross-cutting interests" in page
    cardiology = specialty("Cardiology")
    assert '<label for="specialty_ids-' in page and ">Cardiology</label>" in page
    assert f'value="{cardiology.id}"' in page


def test_resident_must_give_a_pgy_year(client, session, member):
    response = client.post("/profile/edit", data=form_data(career_stage="resident"))
    assert response.status_code == 422
    assert "PGY year" in response.get_data(as_text=True)
    assert client.post("/profile/edit", data=form_data(career_stage="resident", pgy_year="3")).status_code == 302
    assert reload(session, member).profile.stage_label == "Resident (PGY-3)"


def test_a_pgy_year_left_over_from_residency_is_dropped_for_a_fellow(client, session, member):
    client.post("/profile/edit", data=form_data(career_stage="fellow", pgy_year="4"))
    assert reload(session, member).profile.pgy_year is None


def test_senior_colleague_opts_in_to_meeting_interns_which_is_off_by_default(client, session, member):
    assert reload(session, member).profile.open_to_interns is False
    response = client.post(
        "/profile/edit", data=form_data(career_stage="attending", open_to_interns="y", intro_capacity="2")
    )
    assert response.status_code == 302
    profile = reload(session, member).profile
    assert profile.open_to_interns and profile.intro_capacity == 2
    assert "Open to meeting interns" in client.get(response.location).get_data(as_text=True)


def test_an_intern_cannot_offer_to_meet_interns(client, session, member):
    response = client.post("/profile/edit", data=form_data(career_stage="intern", open_to_interns="y"))
    assert response.status_code == 422
    assert "Only residents and more senior colleagues" in response.get_data(as_text=True)
    assert reload(session, member).profile.open_to_interns is False


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"career_stage": ""}, "Choose your career stage."),
        ({"career_stage": "wizard"}, "Choose your career stage."),
        ({"career_stage": "resident", "pgy_year": "three"}, "Enter a whole number."),
        ({"career_stage": "resident", "pgy_year": "12"}, "from 2 to 8"),
        ({"department_id": "abc"}, "Choose an option from the list."),
        ({"department_id": "999"}, "Choose a department from the list."),
        ({"specialty_ids": ["abc"]}, "Choose interests from the list."),
        ({"specialty_ids": ["99999"]}, "Choose interests from the list."),
        ({"intro_capacity": "0"}, "between 1 and 10"),
        ({"intro_capacity": "11"}, "between 1 and 10"),
        ({"intro_capacity": "lots"}, "Enter a whole number."),
        ({"intro_capacity": ""}, "Enter a number."),
        ({"bio": "b" * 1001}, "at most 1000 characters"),
        ({"name": ""}, "Enter your name."),
        ({"name": "n" * 121}, "at most 120 characters"),
        ({"event_reminders": "every 5 minutes"}, "Choose when to be reminded from the list."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, session, member, changes, message):
    response = client.post("/profile/edit", data=form_data(**{"name": "Changed Name", "bio": "changed", **changes}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    user = reload(session, member)
    assert user.name == "Maya Okafor" and user.profile.career_stage is None and user.profile.bio == ""


@pytest.mark.parametrize("choice", ["off", "1 hour", "24 hours", "both"])
def test_member_chooses_when_to_be_reminded_of_events(client, session, member, choice):
    assert reload(session, member).profile.event_reminders == "24 hours"  # the default
    response = client.post("/profile/edit", data=form_data(event_reminders=choice))
    assert response.status_code == 302
    assert reload(session, member).profile.event_reminders == choice
    form = client.get("/profile/edit").get_data(as_text=True)
    assert f'<option selected value="{choice}">' in form


def test_the_weekly_digest_is_on_by_default_and_the_member_turns_it_off_and_on(client, session, member):
    assert reload(session, member).profile.weekly_digest is True
    form = client.get("/profile/edit").get_data(as_text=True)
    assert '<label for="weekly_digest">Email me a weekly digest</label>' in form
    assert 'checked id="weekly_digest" name="weekly_digest" type="checkbox"' in form
    assert client.post("/profile/edit", data=form_data()).status_code == 302  # the box left unticked
    assert reload(session, member).profile.weekly_digest is False
    assert client.post("/profile/edit", data=form_data(weekly_digest="y")).status_code == 302
    assert reload(session, member).profile.weekly_digest is True


def test_the_reminder_choice_is_shown_to_its_owner_alone(client, auth, session, member):
    client.post("/profile/edit", data=form_data(event_reminders="both"))
    own = client.get(f"/people/{member.id}").get_data(as_text=True)
    assert "Event reminders: <strong>Both: 24 hours and 1 hour before</strong>" in own
    make_user(email="other@hospital.example")
    auth.logout()
    auth.login("other@hospital.example")
    theirs = client.get(f"/people/{member.id}")
    assert theirs.status_code == 200 and "Maya Okafor" in theirs.get_data(as_text=True)
    assert "Event reminders" not in theirs.get_data(as_text=True)


def test_more_than_ten_interests_are_refused(client, session, member):
    ids = [str(i) for i in session.scalars(sa.select(Specialty.id).limit(11))]
    response = client.post("/profile/edit", data=form_data(specialty_ids=ids))
    assert response.status_code == 422
    assert "at most 10 interests" in response.get_data(as_text=True)


def test_a_retired_interest_stays_on_the_profiles_that_have_it(client, session, member):
    client.post("/profile/edit", data=form_data(specialty_ids=[str(specialty("Global health").id)]))
    specialty("Global health").is_active = False
    session.commit()
    page = client.get("/profile/edit").get_data(as_text=True)
    assert ">Global health</label>" not in page
    client.post("/profile/edit", data=form_data(specialty_ids=[str(specialty("Cardiology").id)]))
    names = [s.name for s in reload(session, member).profile.specialties]
    assert names == ["Cardiology", "Global health"]


def test_others_see_only_what_the_owner_chose_to_show_and_never_the_email(client, auth, session):
    department = make_department("Neurology")
    make_user(
        "Dr. Rhea Patel",
        email="rhea.patel@hospital.example",
        stage="fellow",
        department=department,
        interests=["Neurology"],
        bio="Stroke research.",
        show_department=False,
        show_bio=False,
    )
    rhea = session.scalar(sa.select(User).where(User.email == "rhea.patel@hospital.example"))
    make_user(email="viewer@hospital.example")
    auth.login("viewer@hospital.example")
    page = client.get(f"/people/{rhea.id}").get_data(as_text=True)
    assert "Dr. Rhea Patel" in page and "Fellow" in page and "Neurology" in page
    assert "Stroke research." not in page
    assert ">Neurology</span>" not in page  # the department line
    assert "rhea.patel@hospital.example" not in page


def test_owner_sees_everything_on_their_own_profile_with_a_privacy_note(client, session):
    department = make_department("Neurology")
    make_user(
        "Rhea",
        email="rhea@hospital.example",
        stage="fellow",
        department=department,
        bio="Stroke research.",
        show_bio=False,
    )
    client.post("/login", data={"email": "rhea@hospital.example", "password": "correct horse battery"})
    page = client.get(client.get("/profile").location).get_data(as_text=True)
    assert "Stroke research." in page and "only the parts you chose to show" in page


def test_profiles_are_for_signed_in_members_only(client):
    user = make_user()
    response = client.get(f"/people/{user.id}")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("user_id", ["99999", "99999999999999999999", "0", "-1"])
def test_unknown_person_is_a_404(client, member, user_id):
    assert client.get(f"/people/{user_id}").status_code == 404


def test_a_department_id_too_large_for_the_database_is_a_form_error(client, session, member):
    response = client.post("/profile/edit", data=form_data(department_id="99999999999999999999"))
    assert response.status_code == 422
    assert "Choose an option from the list." in response.get_data(as_text=True)


def test_a_retired_department_stays_on_the_profiles_that_have_it(client, session, member):
    department = make_department("Internal Medicine")
    client.post("/profile/edit", data=form_data(department_id=str(department.id)))
    department.is_active = False
    session.commit()
    page = client.get("/profile/edit").get_data(as_text=True)
    assert f'<option selected value="{department.id}">Internal Medicine</option>' in page
    response = client.post("/profile/edit", data=form_data(department_id=str(department.id), bio="x"))
    assert response.status_code == 302
    assert reload(session, member).profile.department_id == department.id


def test_a_retired_department_cannot_be_newly_chosen(client, session, member):
    department = make_department("Old Ward", is_active=False)
    response = client.post("/profile/edit", data=form_data(department_id=str(department.id)))
    assert response.status_code == 422


@pytest.mark.parametrize("zone", ["Mars/Base", "America", "a" * 300, "Europe/../../etc/passwd", "UTC\x7f"])
def test_a_time_zone_not_on_the_list_is_refused_on_the_form(client, session, member, zone):
    response = client.post("/profile/edit", data=form_data(timezone=zone, bio="Unsaved"))
    assert response.status_code == 422
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert reload(session, member).profile.bio != "Unsaved"


@pytest.mark.parametrize("stage", [None, "student", "intern"])
def test_interns_and_students_are_not_offered_the_meeting_interns_section(client, auth, session, stage):
    make_user("Ivy Intern", email="ivy@hospital.example", stage=stage, intro_capacity=4)
    auth.login("ivy@hospital.example")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Meeting interns" not in page and 'name="open_to_interns"' not in page
    assert 'name="intro_capacity"' not in page
    # Their form, without the section, still saves, and keeps the saved limit.
    data = {
        key: value
        for key, value in form_data(name="Ivy Intern", career_stage=stage or "intern").items()
        if key != "intro_capacity"
    }
    assert client.post("/profile/edit", data=data).status_code == 302
    session.rollback()
    profile = session.scalar(sa.select(User).where(User.email == "ivy@hospital.example")).profile
    assert profile.intro_capacity == 4 and profile.open_to_interns is False


@pytest.mark.parametrize("stage", ["resident", "fellow", "attending", "faculty"])
def test_residents_and_above_see_the_meeting_interns_section(client, auth, stage):
    make_user("Sam Senior", email="sam@hospital.example", stage=stage, pgy_year=3 if stage == "resident" else None)
    auth.login("sam@hospital.example")
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Meeting interns" in page and 'name="open_to_interns"' in page and 'name="intro_capacity"' in page


def test_a_new_resident_finds_the_section_once_their_stage_is_saved(client, session, member):
    assert "Meeting interns" not in client.get("/profile/edit").get_data(as_text=True)
    client.post("/profile/edit", data=form_data(career_stage="resident", pgy_year="2"))
    assert "Meeting interns" in client.get("/profile/edit").get_data(as_text=True)
