"""Properties of the ranking, on plain data."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from eventsapp.matching.scoring import Candidate, EventRef, Viewer, rank

CARDIO, PEDS_CARDIO, IM, RESEARCH, EDUCATION = 1, 2, 3, 4, 5
NAMES = {
    CARDIO: "Cardiology",
    PEDS_CARDIO: "Pediatric cardiology",
    IM: "Internal medicine",
    RESEARCH: "Clinical research",
    EDUCATION: "Medical education",
}
INTERN = Viewer(user_id=1, seniority=1, interests=frozenset({CARDIO, PEDS_CARDIO, IM, RESEARCH}))
ROUNDS = EventRef(10, "Cardiology Grand Rounds", "Tue 3 Dec", datetime(2026, 12, 3, tzinfo=UTC))


def senior(user_id, interests=(), name=None, **changes):
    values = dict(
        user_id=user_id,
        name=name or f"Senior {user_id:03d}",
        stage_label="Attending",
        seniority=4,
        open_to_interns=True,
        interests=frozenset(interests),
        capacity=3,
    )
    values.update(changes)
    return Candidate(**values)


def ranked_ids(candidates, counts=None, **kwargs):
    counts = counts or {}
    return [
        s.candidate.user_id for s in rank(INTERN, candidates, interest_counts=counts, interest_names=NAMES, **kwargs)
    ]


def test_more_shared_interests_never_rank_lower():
    for extra in ([RESEARCH], [RESEARCH, IM], [RESEARCH, IM, PEDS_CARDIO]):
        one, more = senior(2, [CARDIO]), senior(3, [CARDIO, *extra])
        assert ranked_ids([one, more], {CARDIO: 2, RESEARCH: 1, IM: 1, PEDS_CARDIO: 1}).index(3) == 0


def test_a_rarer_shared_interest_ranks_higher_than_a_common_one():
    common, rare = senior(2, [IM], name="Aaron"), senior(3, [PEDS_CARDIO], name="Zed")
    assert ranked_ids([common, rare], {IM: 40, PEDS_CARDIO: 2}, population=50) == [3, 2]


def test_a_co_attendee_ranks_above_a_non_attendee_with_the_same_interests():
    stay_home, going = senior(2, [CARDIO], name="Aaron"), senior(3, [CARDIO], name="Zed", upcoming_together=(ROUNDS,))
    assert ranked_ids([stay_home, going], {CARDIO: 2}) == [3, 2]


def test_happy_to_be_approached_ranks_above_merely_going():
    going = senior(2, [CARDIO], name="Aaron", upcoming_together=(ROUNDS,))
    ribbon = senior(3, [CARDIO], name="Zed", upcoming_together=(ROUNDS,), approachable_at=frozenset({10}))
    assert ranked_ids([going, ribbon], {CARDIO: 2}) == [3, 2]


@pytest.mark.parametrize(
    "changes",
    [
        {"open_to_interns": False},  # not opted in
        {"seniority": 1},  # a peer
        {"seniority": 0},  # junior
        {"active_connections": 3},  # no room left
        {"user_id": INTERN.user_id},  # the viewer
    ],
)
def test_ineligible_candidates_never_appear(changes):
    values = {"interests": [CARDIO, PEDS_CARDIO], "upcoming_together": (ROUNDS,), **changes}
    candidate = senior(changes.get("user_id", 2), **{k: v for k, v in values.items() if k != "user_id"})
    assert ranked_ids([candidate], {CARDIO: 1}) == []


def test_already_asked_or_connected_colleagues_are_left_out():
    assert ranked_ids([senior(2, [CARDIO]), senior(3, [CARDIO])], excluded={2}) == [3]


def test_ties_break_by_name_then_id_whatever_the_input_order():
    a, b, c = senior(5, [CARDIO], name="Bea"), senior(4, [CARDIO], name="ann"), senior(3, [CARDIO], name="Bea")
    assert ranked_ids([a, b, c]) == ranked_ids([c, a, b]) == [4, 3, 5]


def test_the_explanation_says_exactly_what_was_counted():
    candidate = senior(2, [CARDIO, RESEARCH, EDUCATION], upcoming_together=(ROUNDS,))
    [suggestion] = rank(INTERN, [candidate], interest_counts={CARDIO: 5, RESEARCH: 2}, interest_names=NAMES)
    assert suggestion.explanation == (
        "Both interested in Clinical research and Cardiology · Also going to Cardiology Grand Rounds, Tue 3 Dec"
    )
    assert suggestion.shared_interests == ("Clinical research", "Cardiology")
    assert "Clinical research" in suggestion.icebreaker


def test_someone_with_nothing_in_common_is_not_suggested():
    assert ranked_ids([senior(2, [EDUCATION])]) == []


CLUB = EventRef(11, "Journal Club", "Thu 5 Dec", datetime(2026, 12, 5, tzinfo=UTC))


def test_on_an_events_own_page_the_reasons_leave_that_event_out():
    on_page = Viewer(user_id=1, seniority=1, interests=INTERN.interests, focus_event_id=ROUNDS.id)
    candidate = senior(2, [CARDIO], upcoming_together=(ROUNDS, CLUB), approachable_at=frozenset({ROUNDS.id}))
    [suggestion] = rank(on_page, [candidate], interest_counts={}, interest_names=NAMES, require_reason=False)
    assert suggestion.reasons == (
        "Both interested in Cardiology",
        "Happy to be approached here",
        "Also going to Journal Club, Thu 5 Dec",
    )


def test_a_suggestion_resting_on_an_event_alone_says_no_interests_are_shared():
    [suggestion] = rank(
        INTERN, [senior(2, [EDUCATION], upcoming_together=(ROUNDS,))], interest_counts={}, interest_names=NAMES
    )
    assert suggestion.explanation == "No shared interests listed · Also going to Cardiology Grand Rounds, Tue 3 Dec"


def test_a_colleague_asked_stays_suggested_when_their_introductions_are_full():
    asked = senior(2, [CARDIO], active_connections=3, request_id=40)
    assert ranked_ids([asked, senior(3, [CARDIO], active_connections=3)]) == [2]


def test_equal_scores_list_names_as_people_sort_them():
    zed, elodie, emma = (
        senior(2, [CARDIO], name="Zed Adams"),
        senior(3, [CARDIO], name="Élodie Côté"),
        senior(4, [CARDIO], name="Emma Stone"),
    )
    assert ranked_ids([zed, emma, elodie], {CARDIO: 3}) == [3, 4, 2]


def test_someone_already_met_is_never_ranked():
    assert ranked_ids([senior(2, [CARDIO], met=True), senior(3, [CARDIO])], {CARDIO: 2}) == [3]


def test_an_interest_an_active_mentor_covers_lets_the_others_rise_and_is_still_named():
    cardiologist, researcher = senior(2, [CARDIO], name="Aaron"), senior(3, [RESEARCH], name="Zed")
    counts = {CARDIO: 2, RESEARCH: 10}
    assert ranked_ids([cardiologist, researcher], counts, population=20) == [2, 3]
    mentored = replace(INTERN, covered=frozenset({CARDIO}))
    ranked = rank(mentored, [cardiologist, researcher], interest_counts=counts, interest_names=NAMES, population=20)
    assert [s.candidate.user_id for s in ranked] == [3, 2]
    assert ranked[1].reasons == ("Both interested in Cardiology",)
