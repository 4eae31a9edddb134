"""The RSVP rules on plain values."""

from datetime import UTC, datetime, timedelta

import pytest

from eventsapp.rsvps import rules

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "going, capacity, expected",
    [
        (0, None, "going"),
        (49, 50, "going"),
        (50, 50, "waitlisted"),
        (60, 50, "waitlisted"),
    ],
)
def test_going_lands_on_the_waitlist_only_when_every_seat_is_taken(going, capacity, expected):
    assert rules.landing_state("going", going=going, capacity=capacity) == expected


@pytest.mark.parametrize("state", ["maybe", "declined"])
def test_maybe_and_not_going_never_take_or_wait_for_a_seat(state):
    assert rules.landing_state(state, going=50, capacity=50) == state


def test_asking_to_go_again_from_the_waitlist_keeps_the_place_in_line():
    assert rules.is_same_answer("waitlisted", "going")
    assert rules.is_same_answer("going", "going")
    assert not rules.is_same_answer("maybe", "going")


@pytest.mark.parametrize(
    "going, capacity, waiting, expected",
    [
        (49, 50, 10, 1),
        (50, 50, 10, 0),
        (40, 50, 3, 3),
        (55, 50, 3, 0),
        (0, None, 7, 7),
    ],
)
def test_free_seats_go_to_at_most_as_many_as_are_waiting(going, capacity, waiting, expected):
    assert rules.free_seats(going=going, capacity=capacity, waiting=waiting) == expected


def test_answers_close_at_cancellation_start_or_deadline():
    later = NOW + timedelta(days=1)
    assert rules.closing_reason(cancelled=False, starts_at=later, deadline=None, now=NOW) is None
    assert "cancelled" in rules.closing_reason(cancelled=True, starts_at=later, deadline=None, now=NOW)
    assert "started" in rules.closing_reason(cancelled=False, starts_at=NOW, deadline=None, now=NOW)
    assert "deadline" in rules.closing_reason(cancelled=False, starts_at=later, deadline=NOW, now=NOW)
