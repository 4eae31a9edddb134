"""Why two people sit together is written from what both show now: an
interest hidden after the plan was made is named nowhere (phones, the
organizer's page, the print-out, the data download)."""

from __future__ import annotations

import re

from eventsapp.extensions import db
from eventsapp.speed import pairing
from eventsapp.speed.privacy import member_data
from tests.test_speed_services import NOW, Evening


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def planned(interns=1, seniors=1) -> Evening:
    evening = Evening(interns=interns, seniors=seniors)
    evening.organizer.email = "grace@example.org"
    evening.interns[0].email = "intern@example.org"
    evening.seniors[0].email = "senior@example.org"
    db.session.commit()
    evening.set_up(rounds=1, tables=1, seats_per_table=1)
    evening.plan()
    return evening


def pages(client, auth, evening) -> dict[str, str]:
    seen = {}
    for email, paths in (
        ("senior@example.org", ("me",)),
        ("intern@example.org", ("me",)),
        ("grace@example.org", ("", "print")),
    ):
        auth.login(email)
        for path in paths:
            seen[f"{email} {path}"] = text(client.get(f"/events/{evening.event.id}/speed/{path}"))
        auth.logout()
    return seen


def test_shared_interests_are_named_while_both_show_them(client, auth, monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed_people.utcnow", lambda: NOW)
    evening = planned()
    seen = pages(client, auth, evening)
    assert "You share Cardiology" in seen["senior@example.org me"]
    assert "You share Cardiology" in seen["intern@example.org me"]
    assert "You share Cardiology" in seen["grace@example.org "]
    assert member_data(db.session, evening.seniors[0])["seats"][0]["why"] == "You share Cardiology"


def test_interests_hidden_after_planning_are_named_nowhere(client, auth, monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed_people.utcnow", lambda: NOW)
    evening = planned()
    evening.interns[0].profile.show_interests = False
    db.session.commit()
    for where, page in pages(client, auth, evening).items():
        assert "Cardiology" not in page, where
    for person in (evening.seniors[0], evening.interns[0]):
        assert [seat["why"] for seat in member_data(db.session, person)["seats"]] == [pairing.NOTHING_SHARED]


def test_a_senior_hiding_interests_hides_them_from_the_intern_too(client, auth, monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed_people.utcnow", lambda: NOW)
    evening = planned()
    evening.seniors[0].profile.show_interests = False
    db.session.commit()
    for where, page in pages(client, auth, evening).items():
        assert "Cardiology" not in page, where
        assert "offers career" not in page, where


def test_the_shared_reason_names_only_what_both_show():
    assert pairing.shown_reason(frozenset({"Cardiology", "Anesthesiology"}), frozenset({"Cardiology"})) == (
        "You share Cardiology"
    )
    assert pairing.shown_reason(frozenset(), frozenset({"Cardiology"})) == pairing.NOTHING_SHARED
