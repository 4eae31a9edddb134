"""Admins grant organizer rights and keep the specialty and department lists."""

import html
import re

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.profiles.models import Department, Specialty
from eventsapp.text import sort_key
from tests.factories import make_department, make_user

ADMIN_PAGES = ["/admin/", "/admin/people", "/admin/specialties", "/admin/departments"]


@pytest.fixture
def admin(auth):
    user = make_user("Sam Admin", email="admin@hospital.example", role="admin", stage="attending")
    auth.login("admin@hospital.example")
    return user


def role_of(session, user_id):
    session.rollback()  # end the read transaction: see what requests committed
    return session.get(User, user_id).role


@pytest.mark.parametrize("role", ["member", "organizer"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_members_and_organizers_get_403_on_admin_pages(client, auth, role, url):
    make_user(email="someone@hospital.example", role=role)
    auth.login("someone@hospital.example")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.location


def test_non_admin_cannot_post_role_changes(client, auth, session):
    target = make_user()
    make_user(email="org@hospital.example", role="organizer")
    auth.login("org@hospital.example")
    assert client.post(f"/admin/people/{target.id}/role", data={"role": "organizer"}).status_code == 403
    assert role_of(session, target.id) == "member"


def test_admin_grants_and_revokes_organizer_rights(client, session, admin):
    chief = make_user("Chief Resident", stage="resident", pgy_year=4)
    response = client.post(f"/admin/people/{chief.id}/role", data={"role": "organizer"}, follow_redirects=True)
    assert "Chief Resident is now organizer." in response.get_data(as_text=True)
    assert role_of(session, chief.id) == "organizer"
    client.post(f"/admin/people/{chief.id}/role", data={"role": "member"})
    assert role_of(session, chief.id) == "member"


@pytest.mark.parametrize("role", ["admin", "superuser", ""])
def test_roles_other_than_member_and_organizer_cannot_be_given_from_the_page(client, session, admin, role):
    person = make_user()
    page = client.post(f"/admin/people/{person.id}/role", data={"role": role}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "members or organizers" in page
    assert role_of(session, person.id) == "member"


def test_an_admin_cannot_be_demoted_from_the_page(client, session, admin):
    page = client.post(f"/admin/people/{admin.id}/role", data={"role": "member"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "command line" in page
    assert role_of(session, admin.id) == "admin"


def test_role_change_for_unknown_person_is_404(client, admin):
    assert client.post("/admin/people/99999/role", data={"role": "organizer"}).status_code == 404


def test_role_change_returns_only_to_pages_on_this_site(client, admin):
    person = make_user()
    response = client.post(f"/admin/people/{person.id}/role", data={"role": "organizer", "back": "//evil.example/"})
    assert response.location == "/admin/people"


def test_admin_finds_people_by_name_or_email_and_pages_through_them(client, admin):
    for n in range(30):
        make_user(f"Resident {n:02d}", email=f"res{n:02d}@hospital.example")
    make_user("Zoë Ağaoğlu", email="zoe@hospital.example")
    page = client.get("/admin/people?q=ağaoğlu").get_data(as_text=True)
    assert "Zoë Ağaoğlu" in page and "1 person" in page
    page = client.get("/admin/people?q=RES1").get_data(as_text=True)
    assert "10 people" in page
    first = client.get("/admin/people?role=member").get_data(as_text=True)
    assert "Page 1 of 2" in first and "role=member" in first
    assert "Resident 29" in client.get("/admin/people?role=member&page=2").get_data(as_text=True)
    assert client.get("/admin/people?page=abc").status_code == 200
    assert client.get("/admin/people?q=%25_%5C").status_code == 200


def test_admin_adds_a_specialty_to_the_curated_list(client, session, admin):
    response = client.post("/admin/specialties", data={"name": "Sports medicine", "category": "Medical specialties"})
    assert response.status_code == 302
    added = session.scalar(sa.select(Specialty).where(Specialty.name == "Sports medicine"))
    assert added.category == "Medical specialties" and added.is_active


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "category": "Medical specialties"}, "Enter a name."),
        ({"name": "cardiology", "category": "Medical specialties"}, "already a specialty called cardiology"),
        ({"name": "x" * 81, "category": "Medical specialties"}, "at most 80 characters"),
        ({"name": "Sports medicine", "category": ""}, "Choose a category from the list"),
    ],
)
def test_bad_specialty_input_is_explained_and_nothing_saved(client, session, admin, data, message):
    before = session.scalar(sa.select(sa.func.count()).select_from(Specialty))
    response = client.post("/admin/specialties", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert session.scalar(sa.select(sa.func.count()).select_from(Specialty)) == before


def _specialty(session, name):
    session.rollback()  # end the read transaction: see what requests committed
    return session.scalar(sa.select(Specialty).where(Specialty.name == name))


def _category_options(page: str, select_id: str) -> list[str]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return [html.unescape(text) for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_a_specialtys_category_is_picked_from_the_categories_in_use(client, session, admin):
    page = client.get("/admin/specialties").get_data(as_text=True)
    in_use = sorted(session.scalars(sa.select(Specialty.category).distinct()), key=sort_key)
    assert _category_options(page, "category") == ["Choose a category", *in_use, "New category…"]
    assert not re.search(r'<input[^>]*name="category"', page)  # no free text for it
    assert '<label for="new_category">New category</label>' in page


@pytest.mark.parametrize("typed", ["Medical specialtis", "medical specialties", "Surgical", "+"])
def test_a_category_not_in_the_list_is_refused_not_added_as_a_heading(client, session, admin, typed):
    before = set(session.scalars(sa.select(Specialty.category).distinct()))
    response = client.post(
        "/admin/specialties", data={"name": "Sports medicine", "category": typed, "new_category": ""}
    )
    if typed == "+":  # "New category…" chosen, its name left empty
        assert response.status_code == 422 and "Enter the new category&#39;s name." in response.get_data(as_text=True)
    else:
        assert response.status_code == 422 and "Choose a category from the list" in response.get_data(as_text=True)
    assert _specialty(session, "Sports medicine") is None
    assert set(session.scalars(sa.select(Specialty.category).distinct())) == before


def test_an_admin_adds_a_new_category_deliberately_and_members_see_it(client, session, admin):
    response = client.post(
        "/admin/specialties",
        data={"name": "Sports medicine", "category": "+", "new_category": "  Lifestyle   medicine "},
    )
    assert response.status_code == 302
    assert _specialty(session, "Sports medicine").category == "Lifestyle medicine"
    page = client.get("/admin/specialties").get_data(as_text=True)
    assert "Lifestyle medicine" in _category_options(page, "category")
    assert "<legend>Lifestyle medicine</legend>" in client.get("/profile/edit").get_data(as_text=True)


def test_the_new_category_field_is_ignored_unless_new_category_is_chosen(client, session, admin):
    client.post(
        "/admin/specialties",
        data={"name": "Sports medicine", "category": "Medical specialties", "new_category": "Medcal specialties"},
    )
    assert _specialty(session, "Sports medicine").category == "Medical specialties"
    assert session.scalar(sa.select(Specialty.id).where(Specialty.category == "Medcal specialties")) is None


def test_a_new_category_spelled_like_an_existing_one_is_refused(client, session, admin):
    response = client.post(
        "/admin/specialties", data={"name": "Sports medicine", "category": "+", "new_category": "MEDICAL specialties"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is already a category called Medical specialties: choose it from the list." in page
    assert 'value="MEDICAL specialties"' in page  # what was typed is kept
    assert _specialty(session, "Sports medicine") is None


def test_admin_moves_a_specialty_to_another_or_a_new_category_from_the_table(client, session, admin):
    entry = _specialty(session, "Cardiology")
    page = client.get("/admin/specialties").get_data(as_text=True)
    options = _category_options(page, f"category-{entry.id}")
    assert options[-1] == "New category…" and "Medical specialties" in options
    assert re.search(rf'<option value="{entry.category}" selected>', page)
    client.post(
        f"/admin/specialties/{entry.id}",
        data={"name": "Cardiology", "category": "Surgical specialties", "new_category": ""},
    )
    assert _specialty(session, "Cardiology").category == "Surgical specialties"
    client.post(
        f"/admin/specialties/{entry.id}",
        data={"name": "Cardiology", "category": "+", "new_category": "Heart and vessels"},
    )
    assert _specialty(session, "Cardiology").category == "Heart and vessels"
    page = client.post(
        f"/admin/specialties/{entry.id}",
        data={"name": "Cardiology", "category": "Hart and vessels"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Choose a category from the list" in page
    assert _specialty(session, "Cardiology").category == "Heart and vessels"


def test_the_tables_name_fields_are_wide_enough_for_every_name(client, session, admin):
    page = client.get("/admin/specialties").get_data(as_text=True)
    sizes = {name: int(size) for size, name in re.findall(r'name="name" size="(\d+)" value="([^"]+)"', page)}
    assert len(sizes) == session.scalar(sa.select(sa.func.count()).select_from(Specialty))
    assert all(size >= len(name) for name, size in sizes.items())


def test_admin_renames_retires_and_restores_a_department(client, session, admin):
    department = make_department("Internal Medicine")
    client.post(f"/admin/departments/{department.id}", data={"name": "Department of Medicine"})
    client.post(f"/admin/departments/{department.id}/active", data={"active": "0"})
    session.rollback()  # end the read transaction: see what requests committed
    entry = session.get(Department, department.id)
    assert entry.name == "Department of Medicine" and not entry.is_active
    make_user(email="m@hospital.example")
    page = client.get("/admin/departments").get_data(as_text=True)
    assert "Retired" in page and "Offer again" in page
    client.post(f"/admin/departments/{department.id}/active", data={"active": "1"})
    session.rollback()  # end the read transaction: see what requests committed
    assert session.get(Department, department.id).is_active


def test_renaming_to_an_existing_name_is_refused(client, session, admin):
    make_department("Surgery")
    other = make_department("Pathology")
    page = client.post(f"/admin/departments/{other.id}", data={"name": "SURGERY"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "already a department called SURGERY" in page
    session.rollback()  # end the read transaction: see what requests committed
    assert session.get(Department, other.id).name == "Pathology"


def test_catalogue_page_counts_members_per_entry(client, admin):
    make_user(interests=["Cardiology"])
    make_user(interests=["Cardiology", "Global health"])
    page = client.get("/admin/specialties").get_data(as_text=True)
    rows = {
        m.group(1): int(m.group(2))
        for m in re.finditer(r'value="([^"]+)" maxlength="80" required>.*?</form>\s*</td>\s*<td>(\d+)</td>', page, re.S)
    }
    assert rows["Cardiology"] == 2 and rows["Global health"] == 1 and rows["Neurology"] == 0


def test_page_links_keep_the_filters_and_ignore_crafted_parameters(client, admin):
    for n in range(30):
        make_user(f"Resident {n:02d}")
    page = client.get("/admin/people?role=member&endpoint=x&_external=1&_anchor=y").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" rel="next"', page).group(1)
    assert link.startswith("/admin/people?") and "role=member" in link and "page=2" in link
    assert "http" not in link and "#" not in link


@pytest.mark.parametrize("url", ["/admin/hospitals", "/admin/specialties/99999/active"])
def test_unknown_catalogue_or_entry_is_404(client, admin, url):
    response = client.post(url, data={"name": "x", "active": "1"}) if "active" in url else client.get(url)
    assert response.status_code == 404


def test_admin_list_sorts_accented_names_among_their_letter_as_other_lists_do(client, admin):
    expected = ["Eli Brandt", "Élodie Côté", "Emma Stone", "Zoe Adams"]
    for name in ("Zoe Adams", "Élodie Côté", "Emma Stone", "Eli Brandt"):
        make_user(name)
    page = client.get("/admin/people").get_data(as_text=True)
    assert sorted(expected, key=page.index) == expected


def test_a_renamed_member_sorts_under_the_new_name(client, session, admin):
    member = make_user("Zed Young")
    make_user("Anna Berg")
    member.name = "Ángel Abad"
    session.commit()
    page = client.get("/admin/people").get_data(as_text=True)
    assert page.index("Ángel Abad") < page.index("Anna Berg")
