"""The demo hospital's people: stable, believable, and useful for matching."""

from collections import Counter

from eventsapp.demo.people import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    DEPARTMENTS,
    SPECIALTY_NAMES,
    DemoPerson,
    demo_people,
    email_local_part,
)

STAGES = ("student", "intern", "resident", "fellow", "attending", "faculty")
SENIOR = ("resident", "fellow", "attending", "faculty")


def _holders() -> Counter:
    return Counter(s for p in demo_people() for s in p.specialties)


def test_demo_hospital_is_the_same_every_time():
    first, second = demo_people(), demo_people()
    assert first == second
    assert all(isinstance(p, DemoPerson) for p in first)


def test_demo_hospital_does_not_touch_the_global_random_state():
    import random

    random.seed(1)
    expected = random.random()
    random.seed(1)
    demo_people()
    assert random.random() == expected


def test_everyone_has_their_own_lowercase_hospital_email():
    emails = [p.email for p in demo_people()]
    assert len(emails) == len(set(emails))
    for email in emails:
        assert email == email.lower()
        assert email.isascii()
        assert email.endswith("@" + DEMO_EMAIL_DOMAIN)
        assert " " not in email and "'" not in email
    assert DEMO_EMAIL_DOMAIN == "riverside.example"
    assert DEMO_PASSWORD == "welcome-to-rounds"


def test_nobody_shares_a_full_name():
    names = [p.name for p in demo_people()]
    assert len(names) == len(set(names))


def test_the_four_demo_logins_come_first():
    intern, senior, organizer, admin = demo_people()[:4]
    assert (intern.email, intern.name, intern.career_stage, intern.role) == (
        "intern@riverside.example",
        "Maya Okafor",
        "intern",
        "member",
    )
    assert intern.specialties == ("Cardiology", "Clinical research", "Medical education")
    assert not intern.open_to_interns
    assert (senior.email, senior.name, senior.career_stage, senior.role) == (
        "senior@riverside.example",
        "Tomás Ferreira",
        "attending",
        "member",
    )
    # Room for his two waiting requests, his mentorship, and one more.
    assert senior.open_to_interns and senior.intro_capacity == 5
    assert "Cardiology" in senior.specialties
    assert (organizer.email, organizer.name, organizer.career_stage, organizer.role) == (
        "organizer@riverside.example",
        "Grace Lindqvist",
        "faculty",
        "organizer",
    )
    assert organizer.open_to_interns
    assert (admin.email, admin.name, admin.career_stage, admin.role) == (
        "admin@riverside.example",
        "Samuel Adeyemi",
        "attending",
        "admin",
    )
    assert admin.department == "Emergency Medicine" and not admin.open_to_interns


def test_demo_hospital_has_people_at_every_career_stage():
    people = demo_people()
    counts = Counter(p.career_stage for p in people)
    assert len(people) >= 80
    assert set(counts) == set(STAGES)
    assert 8 <= counts["student"] <= 14
    assert 24 <= counts["intern"] <= 34
    assert 22 <= counts["resident"] <= 30
    assert 8 <= counts["fellow"] <= 14
    assert 12 <= counts["attending"] <= 20
    assert 5 <= counts["faculty"] <= 10


def test_a_few_organizers_and_one_admin_run_the_events():
    people = demo_people()
    roles = Counter(p.role for p in people)
    assert roles["admin"] == 1
    assert roles["organizer"] == 5
    assert set(roles) == {"member", "organizer", "admin"}
    organizer_departments = {p.department for p in people if p.role == "organizer"}
    assert len(organizer_departments) >= 4


def test_every_profile_uses_known_departments_and_specialties():
    for person in demo_people():
        assert person.department in DEPARTMENTS
        assert 2 <= len(person.specialties) <= 5
        assert len(set(person.specialties)) == len(person.specialties)
        assert all(s in SPECIALTY_NAMES for s in person.specialties)
    assert len(DEPARTMENTS) == 11
    assert len(SPECIALTY_NAMES) == len(set(SPECIALTY_NAMES)) == 44


def test_only_residents_have_a_pgy_year():
    for person in demo_people():
        if person.career_stage == "resident":
            assert person.pgy_year in (2, 3, 4, 5)
        else:
            assert person.pgy_year is None


def test_only_residents_and_above_offer_to_meet_interns():
    people = demo_people()
    for person in people:
        if person.career_stage not in SENIOR:
            assert not person.open_to_interns
        assert 1 <= person.intro_capacity <= 6
    seniors = [p for p in people if p.career_stage in SENIOR]
    share = sum(p.open_to_interns for p in seniors) / len(seniors)
    assert 0.45 <= share <= 0.75


def test_interests_overlap_enough_for_matching():
    holders = _holders()
    assert sum(1 for count in holders.values() if count >= 3) >= 12
    for common in ("Internal medicine", "Medical education", "Clinical research"):
        assert holders[common] >= 10
    assert 2 <= holders["Pediatric cardiology"] <= 4


def test_interns_find_opted_in_seniors_who_share_their_interests():
    people = demo_people()
    mentors = [p for p in people if p.open_to_interns]
    interns = [p for p in people if p.career_stage == "intern"]
    well_matched = [
        intern for intern in interns if sum(1 for m in mentors if set(intern.specialties) & set(m.specialties)) >= 3
    ]
    assert len(well_matched) >= 10
    maya, tomas = people[0], people[1]
    assert set(maya.specialties) & set(tomas.specialties)


def test_names_reflect_a_diverse_hospital():
    names = [p.name for p in demo_people()]
    assert any(not name.isascii() for name in names)
    assert "Zoë Ağaoğlu" in names
    assert "Nguyễn Thị Lan" in names


def test_emails_fold_accents_and_special_letters():
    assert email_local_part("Zoë Ağaoğlu") == "zoe.agaoglu"
    assert email_local_part("Łukasz Wójcik") == "lukasz.wojcik"
    assert email_local_part("Siobhán Ní Bhriain") == "siobhan.ni.bhriain"
    assert email_local_part("Nguyễn Thị Lan") == "nguyen.thi.lan"
    assert email_local_part("Søren O'Sullivan") == "soren.osullivan"
    assert email_local_part("Katharina Weiß") == "katharina.weiss"


def test_bios_are_short_plain_sentences():
    for person in demo_people():
        assert 20 < len(person.bio) < 400
        assert "<" not in person.bio and "{" not in person.bio
        assert person.bio.endswith(".")
