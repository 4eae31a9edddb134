"""A speed-mentoring evening in a real browser, with JavaScript and without:
the organizer turns the event into speed mentoring, checks people in at the
door, plans, starts round 1, checks in a late intern and re-plans (round 1
stays as it was; the late intern sits in the rounds to come); an intern's
phone shows her table, senior, why and an icebreaker; the projector shows
the round and the time left (counting down with JavaScript, still complete
without it); after the last round starts, intern and senior each say they
would like to meet again and are introduced at once. And an evening where
only the intern says yes: the senior accepts her request where requests are
answered. No console error on any of these pages."""

from __future__ import annotations

import math
import re
import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from eventsapp import create_app
from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.speed import planning, settings
from eventsapp.timeutil import utcnow
from tests.e2e.helpers import PHONE, label, log_in
from tests.e2e.site import VARIANTS, ZONE, add_event
from tests.factories import make_rsvp, make_user

pytestmark = pytest.mark.browser

#: Interests no other journey uses, so these people are suggested to nobody else.
SHARED, SOME = "Neonatology", "Plastic surgery"
PEOPLE = {
    "js": {
        "interns": ("Ana Sousa", "Bruno Keller", "Chiara Villa"),
        "late": "Gus Lindgren",
        "seniors": ("Irene Castell", "Jamal Reid", "Kenji Mori"),
        "asking": ("Lola Ferri", "Nils Berglund"),
    },
    "nojs": {
        "interns": ("Dara Quinn", "Emil Novak", "Fatima Zahra"),
        "late": "Hugo Meyer",
        "seniors": ("Lucia Brenner", "Mateo Ruiz", "Nadia Petrova"),
        "asking": ("Olga Dahl", "Pavel Kral"),
    },
}


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@speed.example"


def _seed(server, tmp_path_factory) -> dict[str, dict]:
    """Per run: an evening about to be set up (six people going, a seventh
    to come late), and a one-round evening already held whose two people
    are yet to say whom they would like to meet again."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": server.database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("speed-seed")),
            "SECRET_KEY": secrets.token_hex(32),
            "APP_TIMEZONE": ZONE,
        }
    )
    evenings = {}
    with app.app_context():
        try:
            organizer = db.session.scalar(sa.select(User).where(User.email == "organizer@riverside.example"))
            now = utcnow().replace(microsecond=0)
            for variant, names in PEOPLE.items():
                title = f"Neonatal Speed Evening {variant}"
                evening = add_event(organizer, title, "meeting", now - timedelta(minutes=5))
                evening.ends_at = now + timedelta(hours=3)  # check-in stays open for the whole run
                for n, name in enumerate(names["interns"]):
                    interests = [SHARED, SOME] if n == 0 else [SHARED]
                    make_rsvp(evening, make_user(name, email=_email(name), stage="intern", interests=interests))
                make_user(names["late"], email=_email(names["late"]), stage="intern", interests=[SHARED])
                for n, name in enumerate(names["seniors"]):
                    interests = [SHARED, SOME] if n == 1 else [SHARED]
                    senior = make_user(
                        name, email=_email(name), stage="attending", interests=interests, open_to_interns=True
                    )
                    make_rsvp(evening, senior)
                evenings[variant] = {"event_id": evening.id, "title": evening.title, **names}
                evenings[variant]["held_id"] = _held_evening(organizer, variant, names["asking"], now)
        finally:
            db.session.remove()
            db.engine.dispose()
    return evenings


def _held_evening(organizer, variant: str, names: tuple[str, str], now) -> int:
    """One round, one table, started: an intern and a senior who met."""
    held = add_event(organizer, f"Plastic Surgery Speed Round {variant}", "meeting", now - timedelta(minutes=20))
    intern, senior = names
    make_rsvp(held, make_user(intern, email=_email(intern), stage="intern", interests=[SOME]))
    make_rsvp(held, make_user(senior, email=_email(senior), stage="attending", interests=[SOME], open_to_interns=True))
    speed = settings.save_settings(db.session, organizer, held.id, settings.Settings(1, 10, 0, 1, 1), None, now)
    planning.plan_evening(db.session, organizer, held.id, speed.version, now)
    planning.start_next_round(db.session, organizer, held.id, speed.version, now)
    return held.id


@pytest.fixture(scope="module")
def evenings(server, tmp_path_factory):
    return _seed(server, tmp_path_factory)


@pytest.fixture(params=VARIANTS)
def variant(request):
    return request.param


class Console:
    """Errors a page logs or throws (a script refused by the CSP is one)."""

    def __init__(self):
        self.errors: list[str] = []

    def watch(self, page):
        page.on("console", lambda m: self.errors.append(f"{page.url}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        return page


def flash(page):
    return page.get_by_role("main").get_by_role("status").first


def main(page):
    return page.get_by_role("main")


def round_region(page, number: int):
    return page.get_by_role("region", name=re.compile(rf"^Round {number}\b"))


def check_in(organizer, name: str) -> None:
    organizer.get_by_role("button", name=f"Check in {name}").click()
    expect(flash(organizer)).to_have_text("Checked in.")


def seat_of(organizer, number: int, intern: str) -> tuple[str, str]:
    """The table and senior the organizer's schedule gives `intern` in round `number`."""
    row = round_region(organizer, number).get_by_role("row").filter(has_text=intern)
    expect(row).to_have_count(1)
    return row.get_by_role("cell").nth(0).inner_text().strip(), row.get_by_role("cell").nth(1).inner_text().strip()


def test_an_evening_from_setting_up_to_meeting_again(pages, evenings, signed_in, variant):
    evening, js, console = evenings[variant], variant == "js", Console()
    event_path, speed_path = f"/events/{evening['event_id']}", f"/events/{evening['event_id']}/speed/"
    intern_name, late = evening["interns"][0], evening["late"]
    organizer = console.watch(pages.open("organizer", js=js))
    log_in(organizer, "organizer@riverside.example")

    # The organizer turns the event into speed mentoring from its page.
    organizer.goto(event_path)
    organizer.get_by_role("link", name="Speed mentoring", exact=True).click()
    expect(organizer.get_by_role("heading", name="Set up speed mentoring")).to_be_visible()
    for text, value in [("Rounds", "3"), ("Minutes per round", "10"), ("Minutes between rounds", "0"),
                        ("Tables", "3"), ("Interns per table", "2")]:  # fmt: skip
        organizer.get_by_label(label(text)).fill(value)
    organizer.get_by_role("button", name="Turn on speed mentoring").click()
    expect(flash(organizer)).to_have_text("Settings saved. Rounds already held stay as they were.")
    expect(main(organizer)).to_contain_text("Not planned yet")

    # At the door: the six going are checked in on the app's check-in page.
    organizer.get_by_role("link", name="Attendees and check-in").click()
    for name in (*evening["interns"], *evening["seniors"]):
        check_in(organizer, name)

    # One click plans the evening: the quality line, and every round's tables.
    organizer.goto(speed_path)
    expect(main(organizer)).to_contain_text("the plan counts those checked in (6 of 6 going)")
    organizer.get_by_role("button", name="Plan the evening").click()
    expect(flash(organizer)).to_contain_text(re.compile(r"Planned every round: \d+ seats\."))
    expect(organizer.locator(".speed-quality")).to_have_text(
        re.compile(
            r"^The evening's total score \d+ vs \d+ for a simple first-come plan of the same rounds; "
            r"\d+% of the interns present meet at least two of their top three\.$"
        )
    )
    for number in (1, 2):  # (in round 3 two may be left wanting the same senior)
        for name in evening["interns"]:
            expect(round_region(organizer, number)).to_contain_text(name)
    organizer.get_by_role("button", name="Start round 1").click()
    expect(flash(organizer)).to_have_text("Round 1 has started.")
    round_one = round_region(organizer, 1).get_by_role("table").inner_text()

    # A late intern arrives: found by name, checked in, and the rounds to come re-planned.
    organizer.get_by_role("link", name="Attendees and check-in").click()
    organizer.get_by_label("Find a member by name").fill(late)
    organizer.get_by_role("button", name="Find").click()
    check_in(organizer, late)
    organizer.goto(speed_path)
    organizer.get_by_role("button", name="Re-plan the rounds to come").click()
    expect(flash(organizer)).to_contain_text("Planned rounds 2 on:")
    assert round_region(organizer, 1).get_by_role("table").inner_text() == round_one
    expect(round_region(organizer, 1).get_by_role("table")).not_to_contain_text(late)
    for number in (2, 3):
        expect(round_region(organizer, number).get_by_role("table")).to_contain_text(late)
    table, senior = seat_of(organizer, 1, intern_name)

    # The intern's phone: where she sits now, with whom, why, and a first question.
    phone = console.watch(pages.open("intern phone", js=js, viewport=PHONE))
    if js:
        phone.clock.install()  # to see the page keep itself current, without waiting 20 s
    log_in(phone, _email(intern_name))
    phone.goto(event_path)
    phone.get_by_role("link", name="your evening on your phone").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Round 1 · table {table} · {senior}")
    expect(main(phone)).to_contain_text(re.compile(r"Why: You share .*Neonatology"))
    expect(main(phone)).to_contain_text("To start:")
    assert phone.evaluate("() => document.scrollingElement.scrollWidth") <= PHONE["width"]

    # The projector: the round, the time left and round 1's tables, in this run's browser.
    organizer.get_by_role("link", name="Projector screen").click()
    assert_projector_shows_round_one(organizer, evening)
    if js:
        assert_projector_counts_down(pages, signed_in, speed_path, console)
    else:  # with JavaScript off the page reloads itself
        expect(organizer.locator("meta[http-equiv='refresh']")).to_have_attribute("content", "20")

    # The last round starts; intern and senior each say yes, and are introduced at once.
    organizer.goto(speed_path)
    organizer.get_by_role("button", name="Start round 2").click()
    expect(flash(organizer)).to_have_text("Round 2 has started.")
    organizer.get_by_role("button", name="Start round 3").click()
    expect(flash(organizer)).to_have_text("Round 3 has started.")
    if js:  # the open page fetches itself again and shows the new round, without a reload
        phone.evaluate("() => { window.notReloaded = true; }")
        phone.clock.fast_forward(20_000)
        expect(phone.get_by_role("heading", level=1)).to_contain_text("Round 3 ·")
        expect(phone.get_by_role("status")).to_contain_text("Round 3 ·")  # read out to a screen reader
        assert phone.evaluate("() => window.notReloaded") is True
    else:  # its meta refresh reloads it
        expect(phone.locator("meta[http-equiv='refresh']")).to_have_count(1)
        phone.reload()
    phone.get_by_role("link", name="Whom would you like to meet again?").click()
    phone.get_by_role("checkbox", name=f"I'd like to meet {senior} again").check()
    phone.get_by_role("button", name="Save my answers").click()
    expect(main(phone)).to_contain_text(f"We asked {senior} for you: the request waits for their answer.")

    host = console.watch(pages.open("senior", js=js))
    log_in(host, _email(senior))
    host.goto(f"{speed_path}follow-up")
    expect(main(host)).to_contain_text(f"{intern_name} asked to meet again: answer on your introductions page.")
    host.get_by_role("checkbox", name=f"I'd like to meet {intern_name} again").check()
    host.get_by_role("button", name="Save my answers").click()
    expect(main(host)).to_contain_text(f"You both said yes: you and {intern_name} are introduced.")

    phone.goto("/introductions")
    connections = phone.get_by_role("region", name="My connections")
    expect(connections.get_by_role("link", name=senior, exact=True)).to_be_visible()
    expect(connections).to_contain_text(_email(senior))
    assert console.errors == []


def assert_projector_shows_round_one(page, evening) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Round 1 of 3")
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^(10|[1-9]) min left$"))
    tables = page.get_by_role("table", name="Tables in round 1")
    for name in evening["interns"]:
        expect(tables).to_contain_text(name)
    expect(tables).not_to_contain_text(evening["late"])


def assert_projector_counts_down(pages, signed_in, speed_path: str, console: Console) -> None:
    """Two minutes on the projector's clock later, two minutes fewer are shown,
    counted from what the server wrote; the meta refresh is JavaScript-free only."""
    projector = console.watch(pages.open("projector", storage_state=signed_in("organizer@riverside.example")))
    projector.clock.install()
    projector.goto(f"{speed_path}screen")
    timer = projector.get_by_role("timer")
    seconds = int(timer.get_attribute("data-seconds-left"))
    expect(timer).to_have_text(minutes_left(seconds))
    projector.clock.fast_forward(120_000)
    expect(timer).to_have_text(minutes_left(seconds - 120))
    expect(projector.locator("meta[http-equiv='refresh']")).to_have_count(0)


def minutes_left(seconds: int) -> re.Pattern:
    """What the projector shows `seconds` after the page was made, give or
    take the few real seconds the test itself takes (the clock keeps running)."""
    shown = sorted({math.ceil((seconds - late) / 60) for late in range(5)})
    return re.compile(rf"^({'|'.join(map(str, shown))}) min left$")


def test_only_the_intern_says_yes_and_the_senior_accepts_her_request(pages, evenings, variant):
    evening, js, console = evenings[variant], variant == "js", Console()
    intern_name, senior_name = evening["asking"]
    follow_up = f"/events/{evening['held_id']}/speed/follow-up"

    intern = console.watch(pages.open("intern", js=js, viewport=PHONE))
    log_in(intern, _email(intern_name))
    intern.goto(follow_up)
    intern.get_by_role("checkbox", name=f"I'd like to meet {senior_name} again").check()
    intern.get_by_role("button", name="Save my answers").click()
    expect(main(intern)).to_contain_text(f"We asked {senior_name} for you: the request waits for their answer.")

    # The senior, who said nothing, finds the request where requests are answered, and accepts.
    senior = console.watch(pages.open("senior", js=js))
    log_in(senior, _email(senior_name))
    senior.goto(follow_up)
    expect(main(senior)).to_contain_text(f"{intern_name} asked to meet again: answer on your introductions page.")
    senior.goto("/introductions")
    request = senior.get_by_role("region", name="Requests for you").get_by_role("listitem").filter(has_text=intern_name)
    expect(request).to_contain_text("I'd like to meet again.")
    request.get_by_role("button", name=f"Accept request from {intern_name}").click()
    expect(flash(senior)).to_have_text("Accepted. You can now see each other's email address.")

    intern.goto("/introductions")
    expect(intern.get_by_role("region", name="My connections").get_by_role("link", name=senior_name)).to_be_visible()
    assert console.errors == []
