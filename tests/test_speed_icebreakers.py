"""The opening question at a speed-mentoring table (pure)."""

from __future__ import annotations

from eventsapp.speed.icebreakers import BY_HELP, GENERAL, PairFacts, icebreaker


def test_a_shared_interest_comes_first():
    facts = PairFacts(1, 2, shared_interests=("Pediatric cardiology", "Cardiology"), help_asked=frozenset({"career"}))
    assert icebreaker(facts) == (
        "You both follow Cardiology: what drew you to it, and what is changing in it right now?"
    )


def test_help_the_intern_wants_and_the_senior_offers_comes_next():
    facts = PairFacts(1, 2, help_asked=frozenset({"support", "career"}), help_offered=frozenset({"support"}))
    assert icebreaker(facts) in BY_HELP["support"]


def test_help_asked_for_alone_still_gives_a_question_on_it():
    facts = PairFacts(5, 9, help_asked=frozenset({"exploring"}), senior_specialty="Surgery")
    assert icebreaker(facts) in BY_HELP["exploring"]


def test_the_seniors_specialty_when_nothing_else_is_known():
    facts = PairFacts(1, 2, senior_specialty="Pediatric Surgery")
    assert "Pediatric Surgery" in icebreaker(facts)


def test_a_general_question_otherwise():
    assert icebreaker(PairFacts(1, 2)) in GENERAL


def test_the_same_pair_always_gets_the_same_question_and_pairs_differ():
    asked = frozenset({"clinical"})
    first = icebreaker(PairFacts(3, 4, help_asked=asked))
    assert all(icebreaker(PairFacts(3, 4, help_asked=asked)) == first for _ in range(5))
    assert len({icebreaker(PairFacts(3, senior, help_asked=asked)) for senior in range(4, 10)}) > 1


def test_every_kind_of_help_has_good_questions():
    for kind, questions in BY_HELP.items():
        assert len(questions) >= 2, kind
        assert all(question.endswith("?") for question in questions), kind
