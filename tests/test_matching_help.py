"""The help an intern looks for and a senior offers, in the ranking (pure
data): it scores, it is said first, and an intern still exploring sees
several specialties at the top."""

from collections import Counter

import hypothesis.strategies as st
import pytest
from hypothesis import given

from eventsapp.matching.scoring import HELP_WEIGHT, Candidate, Viewer, rank
from eventsapp.matching.spread import PER_SPECIALTY, TOP_PLACES, spread
from eventsapp.profiles.help_kinds import CAREER, CLINICAL, EXPLORING, NETWORKING, OFFERED, SUPPORT

CARDIO, IM, RESEARCH = 1, 2, 3
NAMES = {CARDIO: "Cardiology", IM: "Internal medicine", RESEARCH: "Clinical research"}


def intern(*asks, interests=(CARDIO, IM, RESEARCH)):
    return Viewer(user_id=1, seniority=1, interests=frozenset(interests), asks=frozenset(asks))


def senior(user_id, interests=(CARDIO,), offers=(), department=None, name=None, **changes):
    return Candidate(
        user_id=user_id,
        name=name or f"Senior {user_id:03d}",
        stage_label="Attending",
        seniority=4,
        open_to_interns=True,
        interests=frozenset(interests),
        capacity=3,
        offers=frozenset(offers),
        department=department,
        **changes,
    )


def ranked(viewer, candidates, **kwargs):
    return rank(viewer, candidates, interest_counts={CARDIO: 5, IM: 5, RESEARCH: 5}, interest_names=NAMES, **kwargs)


def test_a_senior_who_offers_what_the_intern_looks_for_ranks_first():
    plain, helpful = senior(2, name="Aaron"), senior(3, name="Zed", offers=[CAREER])
    assert [s.candidate.user_id for s in ranked(intern(CAREER), [plain, helpful])] == [3, 2]


def test_each_kind_offered_and_looked_for_adds_the_help_weight():
    one, two = senior(2, offers=[CAREER]), senior(3, offers=[CAREER, CLINICAL])
    scores = {s.candidate.user_id: s.score for s in ranked(intern(CAREER, CLINICAL), [one, two])}
    assert scores[3] - scores[2] == pytest.approx(HELP_WEIGHT)


def test_help_nobody_looked_for_neither_counts_nor_is_said():
    plain, offering = senior(2, name="Aaron"), senior(3, name="Zed", offers=[NETWORKING, SUPPORT])
    suggestions = ranked(intern(CAREER), [offering, plain])
    assert [s.candidate.user_id for s in suggestions] == [2, 3]  # a tie, broken by name
    assert suggestions[1].reasons == ("Both interested in Cardiology",)


@pytest.mark.parametrize(
    "offers, said",
    [
        ([CAREER], "Offers career advice"),
        ([CLINICAL, CAREER], "Offers help with clinical challenges and career advice"),
        (
            list(OFFERED),
            "Offers help with clinical challenges, career advice, emotional support and networking",
        ),
    ],
)
def test_the_reason_says_the_help_offered_first(offers, said):
    [suggestion] = ranked(intern(*OFFERED, EXPLORING), [senior(2, offers=offers)])
    assert suggestion.reasons[0] == said
    assert suggestion.explanation == f"{said} · Both interested in Cardiology"


def test_help_alone_is_no_reason_to_suggest_someone():
    """Only a shared interest or event puts a colleague on People to meet, as before."""
    assert ranked(intern(CAREER), [senior(2, interests=(), offers=[CAREER])]) == []


def test_profiles_without_kinds_of_help_rank_as_before():
    people = [senior(n, interests=[(CARDIO,), (IM,), (CARDIO, RESEARCH)][n % 3]) for n in range(2, 12)]
    before = [(s.candidate.user_id, s.score, s.reasons) for s in ranked(intern(), people)]
    after = [(s.candidate.user_id, s.score, s.reasons) for s in ranked(intern(CAREER, CLINICAL), people)]
    assert after == before


colleagues = st.lists(
    st.fixed_dictionaries(
        {
            "interests": st.sets(st.sampled_from([CARDIO, IM, RESEARCH]), min_size=1),
            "offers": st.sets(st.sampled_from(list(OFFERED))),
            "department": st.sampled_from([None, 10, 10, 10, 11, 12]),
        }
    ),
    min_size=1,
    max_size=12,
)
asks = st.sets(st.sampled_from(list(OFFERED)))


@given(colleagues, asks, st.sampled_from(list(OFFERED)))
def test_offering_one_more_kind_the_intern_looks_for_never_ranks_lower(drawn, wanted, kind):
    people = [senior(n, **values) for n, values in enumerate(drawn, start=2)]
    viewer = intern(*wanted, kind)
    place = [s.candidate.user_id for s in ranked(viewer, people)].index(2)
    people[0] = senior(2, **{**drawn[0], "offers": drawn[0]["offers"] | {kind}})
    assert [s.candidate.user_id for s in ranked(viewer, people)].index(2) <= place


@given(colleagues, asks)
def test_an_intern_still_exploring_sees_no_specialty_take_more_than_two_of_the_first_five(drawn, wanted):
    people = [senior(n, **values) for n, values in enumerate(drawn, start=2)]
    best_first = ranked(intern(*wanted), people)
    spread_out = ranked(intern(*wanted, EXPLORING), people)
    assert sorted(s.candidate.user_id for s in spread_out) == sorted(s.candidate.user_id for s in best_first)
    top = Counter(s.candidate.department for s in spread_out[:TOP_PLACES] if s.candidate.department is not None)
    rest = Counter(s.candidate.department for s in spread_out[TOP_PLACES:] if s.candidate.department is not None)
    # Past its two places, a specialty may take another only when nobody
    # left belongs to a specialty that still has room.
    others_left = any(top[d] < PER_SPECIALTY for d in rest) or any(
        s.candidate.department is None for s in spread_out[TOP_PLACES:]
    )
    assert max(top.values(), default=0) <= PER_SPECIALTY or not others_left


@given(colleagues, asks)
def test_the_spread_keeps_the_best_first_and_everyone_after_the_top_in_order(drawn, wanted):
    people = [senior(n, **values) for n, values in enumerate(drawn, start=2)]
    best_first = [s.candidate.user_id for s in ranked(intern(*wanted), people)]
    spread_out = [s.candidate.user_id for s in ranked(intern(*wanted, EXPLORING), people)]
    top = spread_out[:TOP_PLACES]
    assert spread_out[:1] == best_first[:1]
    assert spread_out[TOP_PLACES:] == [u for u in best_first if u not in top]


def test_five_cardiologists_and_others_further_down_make_room_for_them():
    order = ["cardio"] * 5 + ["surgery", "peds"]
    assert spread(order, lambda d: d) == ["cardio", "cardio", "surgery", "peds", "cardio", "cardio", "cardio"]


def test_with_only_one_specialty_the_order_stays_as_ranked():
    order = [("cardio", n) for n in range(7)]
    assert spread(order, lambda item: item[0]) == order


def test_colleagues_whose_department_is_unknown_are_never_held_back():
    order = [None, "cardio", "cardio", "cardio", None, "peds"]
    assert spread(order, lambda d: d) == [None, "cardio", "cardio", None, "peds", "cardio"]


def test_a_hidden_department_is_not_used_to_spread():
    """The page passes None for a colleague who does not show their department."""
    people = [senior(n, department=None, name=f"Senior {n}") for n in range(2, 9)]
    assert [s.candidate.user_id for s in ranked(intern(EXPLORING), people)] == list(range(2, 9))
