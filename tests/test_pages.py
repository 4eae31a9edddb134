"""What every page shares: layout, accessibility, error pages, CSRF, headers."""

import re
from pathlib import Path

import pytest
from flask import abort

from tests.a11y import problems
from tests.factories import make_department, make_user

ROOT = Path(__file__).resolve().parent.parent


def test_home_page_explains_the_app_to_a_visitor(client):
    page = client.get("/").get_data(as_text=True)
    assert "Meet your mentors where they already are" in page
    for role in ("Interns", "Senior colleagues", "Organizers"):
        assert role in page


@pytest.mark.parametrize("url", ["/", "/login", "/register", "/does-not-exist"])
def test_public_pages_are_accessible_in_structure(client, url):
    assert problems(client.get(url).get_data(as_text=True)) == []


def test_member_pages_are_accessible_in_structure(client, auth):
    make_department("Surgery")
    user = make_user(email="m@hospital.example", interests=["Cardiology"])
    auth.login("m@hospital.example")
    for url in ("/", f"/people/{user.id}", "/profile/edit"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url
    # The same page re-rendered with errors keeps its labels.
    page = client.post("/profile/edit", data={"name": ""}).get_data(as_text=True)
    assert problems(page) == []
    assert 'aria-invalid="true"' in page


def test_admin_pages_are_accessible_in_structure(client, auth):
    make_user(email="a@hospital.example", role="admin")
    make_department("Surgery")
    auth.login("a@hospital.example")
    for url in ("/admin/people", "/admin/specialties", "/admin/departments"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url


def test_organizer_pages_are_accessible_in_structure(client, auth):
    from tests.factories import make_event, make_rsvp

    organizer = make_user(email="o@hospital.example", role="organizer")
    event = make_event(organizer, title="Grand Rounds")
    make_rsvp(event, make_user(email="going@hospital.example"), "going")
    auth.login("o@hospital.example")
    for url in ("/events/new", f"/events/{event.id}", f"/events/{event.id}/edit", f"/events/{event.id}/attendees"):
        page = client.get(url).get_data(as_text=True)
        assert problems(page) == [], url
    assert "<title>Attendees: Grand Rounds · Mentor Rounds</title>" in page


def test_pages_are_laid_out_for_phones(client):
    page = client.get("/").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page
    css = (ROOT / "static/css/app.css").read_text()
    assert "@media (max-width: 40rem)" in css and ":focus-visible" in css


def test_no_template_loads_anything_from_another_site():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), template


def test_unknown_page_is_a_404_in_the_apps_own_look(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "We couldn&#39;t find that page" in page and "site-header" in page


def test_forbidden_page_is_a_403_in_the_apps_own_look(client, auth):
    make_user(email="m@hospital.example")
    auth.login("m@hospital.example")
    response = client.get("/admin/people")
    assert response.status_code == 403
    assert "You don&#39;t have access to this page" in response.get_data(as_text=True)


def test_an_unexpected_error_is_a_500_page_without_details(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page and "secret internals" not in page


def test_error_page_survives_when_the_layout_itself_fails(make_app):
    app = make_app()

    @app.get("/broken-layout")
    def broken():
        app.jinja_env.globals["url_for"] = None  # the layout can no longer render
        abort(404)

    response = app.test_client().get("/broken-layout")
    assert response.status_code == 404
    assert "We couldn&#39;t find that page" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url, data",
    [
        ("/login", {"email": "m@hospital.example", "password": "correct horse battery"}),
        ("/register", {"name": "A", "email": "a@b.example", "password": "p" * 12, "confirm": "p" * 12}),
        ("/logout", {}),
    ],
)
def test_a_post_without_a_csrf_token_is_refused_with_400(make_app, url, data):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post(url, data=data)
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)


def test_a_post_with_the_pages_csrf_token_is_accepted(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": "x@y.example", "password": "z"})
    assert response.status_code == 422  # the form ran: wrong credentials, not a CSRF failure


def test_every_page_carries_protective_headers(client):
    headers = client.get("/").headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site(client, auth):
    make_user(email="m@hospital.example")
    response = auth.login("m@hospital.example")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_inline_script_or_style_in_templates():
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        assert "<script>" not in text and "style=" not in text and "<style" not in text, template


def test_a_database_that_is_busy_or_down_is_a_503_to_retry(make_app):
    from sqlalchemy.exc import OperationalError

    app = make_app()

    @app.get("/busy")
    def busy():
        raise OperationalError("SELECT 1", {}, Exception("database is locked"))

    response = app.test_client().get("/busy")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "briefly unavailable" in response.get_data(as_text=True)


@pytest.mark.parametrize("script_root", ["", "/rounds"])
def test_links_worked_out_once_per_page_match_url_for(app, script_root):
    from flask import url_for

    from eventsapp.web.pages import path_for

    with app.test_request_context("/", environ_base={"SCRIPT_NAME": script_root}):
        for endpoint, key in (
            ("events.show", "event_id"),
            ("profiles.show", "user_id"),
            ("introductions.ask", "user_id"),
        ):
            for value in (1, 42, 918273645, 2**31 - 1):
                assert path_for(endpoint, **{key: value}) == url_for(endpoint, **{key: value})


# --- Home: a member's own page ------------------------------------------------


def _ask(requester, senior, message="May I ask about your path into cardiology?"):
    from eventsapp.extensions import db
    from eventsapp.introductions import services as introductions

    return introductions.request_introduction(db.session, requester, senior.id, message)


def _notify(user, message, link="/events"):
    from eventsapp.extensions import db
    from eventsapp.notifications.models import Notification

    notification = Notification(user_id=user.id, kind="promoted", message=message, link=link)
    db.session.add(notification)
    db.session.commit()
    return notification


def test_home_is_the_interns_own_page_with_whom_to_meet_at_their_next_events(client, auth):
    from tests.factories import make_event, make_rsvp

    intern = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology"])
    mentor = make_user("Dr Ada Mensah", stage="attending", open_to_interns=True, interests=["Cardiology"])
    asked = make_user("Dr Tomas Ferreira", stage="fellow", open_to_interns=True, interests=["Cardiology"])
    make_user("Dr Not Going", stage="attending", open_to_interns=True, interests=["Cardiology"])
    rounds = make_event(title="Cardiology Grand Rounds")
    make_rsvp(rounds, intern, "going")
    make_rsvp(rounds, mentor, "going")
    make_rsvp(make_event(title="Journal Club I only might attend"), intern, "maybe")
    _ask(intern, asked)
    _notify(intern, "You have a place: Mentorship Coffee Hour")
    auth.login("maya@hospital.example")
    page = client.get("/").get_data(as_text=True)
    assert "Hello, Maya Okafor" in page and "Meet your mentors where they already are" not in page
    events = page.split('id="next-events-heading"')[1].split("</section>")[0]
    assert "Cardiology Grand Rounds" in events and "Journal Club" not in events
    assert "Who to meet there" in events and "Dr Ada Mensah" in events and "Dr Not Going" not in events
    sent = page.split('id="sent-heading"')[1].split("</section>")[0]
    assert "Dr Tomas Ferreira" in sent and "Waiting for an answer" in sent and "Withdraw" in sent
    assert 'id="waiting-heading"' not in page  # interns answer no requests
    unread = page.split('id="unread-heading"')[1].split("</section>")[0]
    assert "You have a place: Mentorship Coffee Hour" in unread
    assert "What to do next" not in page  # the profile has interests
    assert problems(page) == []


def test_home_has_a_helpful_word_for_each_empty_section(client, auth):
    make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    page = client.get("/").get_data(as_text=True)
    assert "You're not going to any upcoming events yet" in page and 'href="/events"' in page
    assert "No requests waiting for an answer" in page and 'href="/people"' in page
    assert "You're all caught up" in page
    # No interests: what to do next, with the way to the profile form.
    next_step = page.split('id="next-step-heading"')[1].split("</section>")[0]
    assert "no specialty interests" in next_step and 'href="/profile/edit#specialty_ids-hint"' in next_step


def test_home_shows_a_senior_the_requests_waiting_with_a_count_in_the_navigation(client, auth):
    senior = make_user(
        "Dr Ada Mensah", email="ada@hospital.example", stage="attending", open_to_interns=True, interests=["Cardiology"]
    )
    for name in ("Ivy Intern", "Noor Intern"):
        _ask(make_user(name, interests=["Cardiology"]), senior, f"{name} would like to meet you")
    auth.login("ada@hospital.example")
    page = client.get("/").get_data(as_text=True)
    waiting = page.split('id="waiting-heading"')[1].split("</section>")[0]
    assert "Ivy Intern would like to meet you" in waiting and "Noor Intern" in waiting and "Accept" in waiting
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    assert (
        '<span class="count-badge">2<span class="visually-hidden"> introduction requests waiting for your '
        "answer</span></span>"
    ) in nav
    # Once answered, the count goes down on every page.
    request_id = page.split("/introductions/")[1].split("/accept")[0]
    client.post(f"/introductions/{request_id}/accept")
    nav = client.get("/events").get_data(as_text=True).split('aria-label="Main"')[1].split("</nav>")[0]
    assert '<span class="count-badge">1<span class="visually-hidden"> introduction request waiting' in nav


def test_a_senior_not_open_to_interns_is_told_how_to_be_suggested(client, auth):
    make_user("Dr Ada Mensah", email="ada@hospital.example", stage="attending", interests=["Cardiology"])
    auth.login("ada@hospital.example")
    waiting = client.get("/").get_data(as_text=True).split('id="waiting-heading"')[1].split("</section>")[0]
    assert "No requests waiting for you" in waiting and "not open to meeting interns" in waiting
    assert 'href="/profile/edit"' in waiting


def test_demo_logins_are_shown_to_visitors_only(client, auth):
    make_user("Maya Okafor", email="intern@riverside.example")
    assert "intern@riverside.example" in client.get("/").get_data(as_text=True)
    auth.login("intern@riverside.example")
    page = client.get("/").get_data(as_text=True)
    assert "Try the demo hospital" not in page and "welcome-to-rounds" not in page
