"""The reasons pages give. Why two people sit together is written from what
both show now: an interest hidden after the plan was made is named nowhere
(phones, the organizer's page, the print-out, the data download). Why an
intern present has no seat in a round to come is true of who is here now."""

from __future__ import annotations

import re

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.speed import departures, pairing
from eventsapp.speed.privacy import member_data
from eventsapp.speed.schedule import overview
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
    assert member_data(db.session, evening.seniors[0])["seats"][0]["why"] == "You share Cardiology"


def test_the_organizer_reads_each_pairs_reason_about_them_without_the_help(client, auth, monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed_people.utcnow", lambda: NOW)
    evening = planned()  # the intern looks for career advice, which the senior offers
    seen = pages(client, auth, evening)
    assert "You share Cardiology; offers career advice" in seen["intern@example.org me"]
    organizer = seen["grace@example.org "]
    assert "Intern 0 · Both are interested in Cardiology" in organizer
    assert "You share" not in organizer and "offers career" not in organizer  # what she looks for is hers


def test_the_organizers_reason_names_only_what_both_show():
    both = frozenset({"Cardiology", "Medical education"})
    assert pairing.shown_reason(both | {"Pediatrics"}, both, pairing.THEY) == (
        "Both are interested in Cardiology and Medical education"
    )
    assert pairing.shown_reason(frozenset(), both, pairing.THEY) == pairing.NOTHING_SHARED


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


def unseated_now(evening) -> dict[int, list[tuple[str, str]]]:
    return {rnd.number: rnd.unseated for rnd in overview(db.session, evening.event.id, NOW).rounds}


def test_an_intern_who_met_every_senior_present_is_told_so_before_seats_run_short(app):
    evening = Evening(interns=4, seniors=2)
    evening.set_up(rounds=2, tables=2, seats_per_table=2)
    for person in (*evening.interns, *evening.seniors):
        evening.check_in(person)
    evening.plan()
    evening.start()
    departures.mark_left(db.session, evening.organizer, evening.event.id, evening.seniors[0].id, NOW)
    evening.plan()
    # One senior is left, with one table of two seats: the two interns who met
    # him in round 1 are not seated in round 2 because they have met him.
    second = unseated_now(evening)[2]
    assert len(second) == 2
    assert {why for _, why in second} == {"Has met every senior at a table in other rounds."}


def test_a_table_left_empty_by_a_deleted_account_is_explained_truly(app):
    evening = Evening(interns=2, seniors=3)
    evening.set_up(rounds=2, tables=3, seats_per_table=1)
    for person in (*evening.interns, *evening.seniors):
        evening.check_in(person)
    evening.plan()
    evening.start()
    intern_id = evening.interns[0].id
    (their_senior,) = [seat.senior_id for seat in evening.seats(2) if seat.intern_id == intern_id]
    db.session.delete(db.session.get(User, their_senior))  # an account deleted mid-evening: its seats go
    db.session.commit()
    second = unseated_now(evening)[2]
    assert second == [
        (
            "Intern 0",
            "Fewer tables than the seniors here could host (a senior left, or one arrived after the plan): "
            "re-plan to seat them.",
        )
    ]
    evening.plan()
    assert unseated_now(evening)[2] == []


def test_an_intern_left_out_for_want_of_seats_is_told_so(app):
    evening = Evening(interns=3, seniors=1)
    evening.set_up(rounds=1, tables=1, seats_per_table=2)
    evening.plan()
    # Never seated, but in the plan: the seats ran short, they did not come late.
    assert [why for _, why in unseated_now(evening)[1]] == [
        "Every seat was taken: more tables or interns per table would seat them."
    ]
