"""Scores and reasons of a speed-mentoring evening's pairs, and its clock:
pure, no database."""

from datetime import UTC, datetime, timedelta

from eventsapp.matching import scoring
from eventsapp.speed import clock
from eventsapp.speed.pairing import NOTHING_SHARED, REASON_MAX, Person, for_intern, pair_all, reason

NAMES = {1: "Cardiology", 2: "Medical education", 3: "Pediatrics"}


def test_the_shared_reason_names_interests_and_the_interns_adds_the_help_offered():
    shared = reason(["Cardiology", "Medical education"])
    assert shared == "You share Cardiology and Medical education"
    assert for_intern(shared, ["career advice"]) == "You share Cardiology and Medical education; offers career advice"
    assert for_intern(reason([]), ["career advice", "networking"]) == "Offers career advice and networking"
    assert reason([]) == NOTHING_SHARED == for_intern(NOTHING_SHARED, [])


def test_a_very_long_reason_is_cut_to_what_a_seat_holds():
    long = reason([f"Interest number {n}" for n in range(40)])
    assert len(long) == REASON_MAX == len(for_intern(long, ["career advice"]))


def test_rarer_shared_interest_scores_higher_and_is_named_first():
    intern = Person(10, "Ida", frozenset({1, 2}), frozenset({"career"}))
    common = Person(20, "Dr Common", frozenset({1}))  # Cardiology: everyone has it
    rare = Person(21, "Dr Rare", frozenset({1, 2}), frozenset({"career"}))
    others = [Person(30 + n, f"Dr {n}", frozenset({1})) for n in range(3)]
    pairs = pair_all([intern], [common, rare, *others], NAMES)
    assert pairs[10, 21].score > pairs[10, 20].score
    assert pairs[10, 21].reason == "You share Medical education and Cardiology"
    assert pairs[10, 20].reason == "You share Cardiology"


def test_help_counts_with_the_suggestion_weight():
    intern = Person(1, "Ida", frozenset(), frozenset({"career", "support"}))
    senior = Person(2, "Dr Sam", frozenset(), frozenset({"career", "support", "clinical"}))
    pairs = pair_all([intern], [senior], NAMES)
    assert pairs[1, 2].score == 2 * scoring.HELP_WEIGHT
    assert pairs[1, 2].reason == NOTHING_SHARED  # what the intern looks for is theirs alone


def test_a_senior_who_hides_their_interests_hides_their_offers_from_the_score():
    intern = Person(1, "Ida", frozenset(), frozenset({"career", "support"}))
    hidden = Person(2, "Dr Quiet", frozenset(), frozenset({"career", "support"}), help_shown=False)
    shown = Person(3, "Dr Open", frozenset(), frozenset({"career"}))
    pairs = pair_all([intern], [hidden, shown], NAMES)
    assert pairs[1, 2].score == 0
    assert pairs[1, 3].score == scoring.HELP_WEIGHT
    assert pairs[1, 2].reason == pairs[1, 3].reason == NOTHING_SHARED


def test_every_intern_senior_pair_is_scored():
    interns = [Person(i, f"I{i}") for i in (1, 2, 3)]
    seniors = [Person(s, f"S{s}") for s in (7, 8)]
    assert set(pair_all(interns, seniors, NAMES)) == {(i, s) for i in (1, 2, 3) for s in (7, 8)}


START = datetime(2026, 12, 4, 18, 0, tzinfo=UTC)


def at(minutes: float, current_round: int = 2, started=START):
    return clock.moment(
        rounds=3,
        round_minutes=8,
        break_minutes=2,
        current_round=current_round,
        round_started_at=started,
        now=START + timedelta(minutes=minutes),
    )


def test_clock_reads_the_phase_of_the_evening():
    assert at(0, current_round=0, started=None).phase == clock.NOT_STARTED
    during = at(2)
    assert (during.phase, during.round, during.minutes_left) == (clock.IN_ROUND, 2, 6)
    assert at(7.5).minutes_left == 1
    pause = at(9)
    assert pause.phase == clock.BREAK and pause.ends_at == START + timedelta(minutes=10)
    assert at(11).phase == clock.WAITING
    assert at(9, current_round=3).phase == clock.OVER
