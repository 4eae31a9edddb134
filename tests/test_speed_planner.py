"""The speed-mentoring planner (pure data): the seats it plans keep the rules an
organizer would check by hand (no pair twice, nobody in two places, no table over
its seats), seat everyone who can sit, keep tables even and seniors at their tables,
leave held rounds alone and beat the plan a person would make first come first served."""

from collections import Counter, defaultdict

import hypothesis.strategies as st
import pytest
from hypothesis import given, settings

from eventsapp.speed.planner import PlanError, Seat, greedy_plan, plan, quality

EXAMPLES = settings(max_examples=150, deadline=None)

# Intern ids 1.., senior ids 101..: a late arrival or a leaver is drawn from the same pools.
INTERNS = st.lists(st.integers(1, 30), max_size=12, unique=True)
SENIORS = st.lists(st.integers(101, 120), max_size=7, unique=True)


@st.composite
def sessions(draw):
    """Everyone who comes at some point, their scores (few values, so ties are common) and the room."""
    interns, seniors = draw(INTERNS), draw(SENIORS)
    pairs = [(i, s) for i in interns for s in seniors]
    scores = {pair: draw(st.sampled_from([0, 1, 2, 3, 5, 8, 13])) for pair in pairs if draw(st.booleans())}
    room = {
        "rounds": draw(st.integers(1, 6)),
        "tables": draw(st.integers(1, 5)),
        "seats_per_table": draw(st.integers(1, 3)),
    }
    return interns, seniors, scores, room


def some_of(draw, people):
    return [person for person in people if draw(st.booleans())]


@st.composite
def replans(draw):
    """A session planned for those present at first, held up to a round, and planned again
    from there for those present then (some left, some came late)."""
    interns, seniors, scores, room = draw(sessions())
    before = some_of(draw, interns), some_of(draw, seniors)
    after = some_of(draw, interns), some_of(draw, seniors)
    first_round = draw(st.integers(1, room["rounds"]))
    held = [seat for seat in plan(*before, scores, **room) if seat.round < first_round]
    return after, scores, room, held, first_round, before


def met_before(seats, rounds):
    """Round number (1..rounds): the pairs that had met before it."""
    by_round = defaultdict(set)
    for seat in seats:
        by_round[seat.round].add((seat.intern_id, seat.senior_id))
    met, before = set(), {}
    for number in range(1, rounds + 1):
        before[number] = set(met)
        met |= by_round[number]
    return before


def most_seatable(interns, seniors, met, seats_per_table):
    """How many interns could sit at these seniors' tables without meeting anyone twice: a
    maximum matching found by augmenting paths (independent of the planner's solver)."""
    holder = {}  # (senior, seat index): intern

    def place(intern, seen):
        for senior in seniors:
            for index in range(seats_per_table):
                key = (senior, index)
                if (intern, senior) in met or key in seen:
                    continue
                seen.add(key)
                if key not in holder or place(holder[key], seen):
                    holder[key] = intern
                    return True
        return False

    return sum(place(intern, set()) for intern in interns)


def assert_rules_kept(planned, interns, seniors, room, held=(), first_round=1):
    everything = [*held, *planned]
    pairs = [(seat.intern_id, seat.senior_id) for seat in everything]
    assert len(pairs) == len(set(pairs)), "an intern met a senior twice"
    assert all(first_round <= seat.round <= room["rounds"] for seat in planned)
    assert all(seat.intern_id in interns and seat.senior_id in seniors for seat in planned)
    before = met_before(everything, room["rounds"])
    for number in range(first_round, room["rounds"] + 1):
        seats = [seat for seat in planned if seat.round == number]
        assert len({seat.intern_id for seat in seats}) == len(seats), "an intern in two places"
        table_of = {(seat.senior_id, seat.table) for seat in seats}
        assert len({senior for senior, _ in table_of}) == len(table_of), "a senior at two tables"
        assert len({table for _, table in table_of}) == len(table_of), "two seniors at one table"
        assert all(1 <= table <= room["tables"] for _, table in table_of)
        load = Counter(seat.senior_id for seat in seats)
        assert max(load.values(), default=0) <= room["seats_per_table"]
        hosts = sorted(load)
        # Nobody idle who could sit: as many seated as any seating at these tables allows,
        # and, when every senior present can host, as many as at all their tables.
        assert len(seats) == most_seatable(interns, hosts, before[number], room["seats_per_table"])
        if len(seniors) <= room["tables"]:
            assert len(seats) == most_seatable(interns, seniors, before[number], room["seats_per_table"])
        # Loads within one, unless every intern at the fuller table has met the emptier table's senior.
        at_table = defaultdict(list)
        for seat in seats:
            at_table[seat.senior_id].append(seat.intern_id)
        for fuller in hosts:
            for emptier in hosts:
                if load[fuller] >= load[emptier] + 2:
                    assert all((i, emptier) in before[number] for i in at_table[fuller])


def assert_no_exchange_does_better(planned, interns, scores, room, held=(), first_round=1):
    """No single exchange would serve the lower rules better: an intern who sat out more
    rounds so far (or as many, with a better score) never waits while someone sits at a
    table they could have taken; two seated interns never gain score by trading seats."""
    everything = [*held, *planned]
    before = met_before(everything, room["rounds"])
    for number in range(first_round, room["rounds"] + 1):
        seats = [seat for seat in planned if seat.round == number]
        rounds_sat = {(seat.round, seat.intern_id) for seat in everything if seat.round < number}
        sat_before = Counter(intern for _, intern in rounds_sat)
        sat_out = {intern: number - 1 - sat_before[intern] for intern in interns}
        seated = {seat.intern_id for seat in seats}

        def score(intern, senior):
            return scores.get((intern, senior), 0)

        for seat in seats:
            a, senior = seat.intern_id, seat.senior_id
            for b in set(interns) - seated:
                if (b, senior) not in before[number]:
                    assert (sat_out[b], score(b, senior)) <= (sat_out[a], score(a, senior))
            for other in seats:
                b, theirs = other.intern_id, other.senior_id
                if (a, theirs) not in before[number] and (b, senior) not in before[number]:
                    assert score(a, theirs) + score(b, senior) <= score(a, senior) + score(b, theirs)


@EXAMPLES
@given(sessions())
def test_a_plan_keeps_every_rule_and_leaves_nobody_idle_who_could_sit(session):
    interns, seniors, scores, room = session
    planned = plan(interns, seniors, scores, **room)
    assert_rules_kept(planned, interns, seniors, room)
    assert_no_exchange_does_better(planned, interns, scores, room)
    assert quality(planned, interns, seniors, scores, **room).idle_seats == 0


@EXAMPLES
@given(sessions())
def test_the_greedy_baseline_keeps_the_hard_rules_too(session):
    interns, seniors, scores, room = session
    seats = greedy_plan(interns, seniors, scores, **room)
    pairs = [(seat.intern_id, seat.senior_id) for seat in seats]
    assert len(pairs) == len(set(pairs))
    for number in range(1, room["rounds"] + 1):
        load = Counter(seat.senior_id for seat in seats if seat.round == number)
        assert max(load.values(), default=0) <= room["seats_per_table"]


@EXAMPLES
@given(replans())
def test_a_replan_after_people_leave_and_arrive_keeps_the_rules_with_the_held_rounds(case):
    (interns, seniors), scores, room, held, first_round, (_, seniors_before) = case
    planned = plan(interns, seniors, scores, **room, held=held, first_round=first_round)
    assert_rules_kept(planned, interns, seniors, room, held, first_round)
    assert_no_exchange_does_better(planned, interns, scores, room, held, first_round)
    if max(len(seniors_before), len(seniors)) <= room["tables"]:  # nobody had to give up a table
        last_table = {seat.senior_id: seat.table for seat in sorted(held)}
        for seat in planned:
            assert seat.table == last_table.get(seat.senior_id, seat.table), "a senior changed tables"


@EXAMPLES
@given(sessions(), st.randoms(use_true_random=False))
def test_the_same_session_gives_the_same_plan_whatever_order_people_are_listed_in(session, rng):
    interns, seniors, scores, room = session
    shuffled_interns, shuffled_seniors = interns[:], seniors[:]
    rng.shuffle(shuffled_interns)
    rng.shuffle(shuffled_seniors)
    assert plan(interns, seniors, scores, **room) == plan(shuffled_interns, shuffled_seniors, scores, **room)


@EXAMPLES
@given(sessions(), st.integers(1, 6))
def test_replanning_with_nothing_changed_gives_the_rounds_planned_before(session, first_round):
    """A page that plans again after each round shows what it showed before."""
    interns, seniors, scores, room = session
    first_round = min(first_round, room["rounds"])
    whole = plan(interns, seniors, scores, **room)
    held = [seat for seat in whole if seat.round < first_round]
    rest = plan(interns, seniors, scores, **room, held=held, first_round=first_round)
    assert held + rest == whole


@EXAMPLES
@given(sessions())
def test_a_senior_keeps_one_table_all_evening_when_every_senior_has_one(session):
    interns, seniors, scores, room = session
    tables = defaultdict(set)
    for seat in plan(interns, seniors, scores, **room):
        tables[seat.senior_id].add(seat.table)
    if len(seniors) <= room["tables"]:
        assert all(len(numbers) == 1 for numbers in tables.values())


ROOM = {"rounds": 1, "tables": 2, "seats_per_table": 1}


def test_the_plan_gives_each_intern_a_good_match_where_first_come_first_served_does_not():
    """Ann (1) likes both Dr 10 and Dr 11; Ben (2) only Dr 10. Served in order, Ann takes
    Dr 10 and Ben gets the senior he had no interest in; the plan seats Ann with Dr 11."""
    scores = {(1, 10): 10, (1, 11): 9, (2, 10): 8, (2, 11): 0}
    assert plan([1, 2], [10, 11], scores, **ROOM) == [Seat(1, 1, 10, 2), Seat(1, 2, 11, 1)]
    assert greedy_plan([1, 2], [10, 11], scores, **ROOM) == [Seat(1, 1, 10, 1), Seat(1, 2, 11, 2)]
    figures = quality(plan([1, 2], [10, 11], scores, **ROOM), [1, 2], [10, 11], scores, **ROOM)
    assert (figures.total, figures.greedy_total, figures.seats, figures.idle_seats) == (17, 10, 2, 0)


def test_the_plan_seats_everyone_where_first_come_first_served_leaves_one_out():
    """After round 1 (Ann with Dr 10, Ben with Dr 11, Cy with Dr 12), Ann and Ben take
    their favourites first, Dr 11 and Dr 10, leaving Cy only the senior he met already."""
    held = [Seat(1, 1, 10, 1), Seat(1, 2, 11, 2), Seat(1, 3, 12, 3)]
    scores = {(1, 11): 5, (1, 12): 1, (2, 10): 5, (2, 12): 1}
    room = {"rounds": 2, "tables": 3, "seats_per_table": 1}
    people = ([1, 2, 3], [10, 11, 12], scores)
    greedy = greedy_plan(*people, **room, held=held, first_round=2)
    planned = plan(*people, **room, held=held, first_round=2)
    assert [seat.intern_id for seat in greedy] == [2, 1]
    assert sorted(seat.intern_id for seat in planned) == [1, 2, 3]
    assert quality(held + greedy, *people, **room).idle_seats == 1
    assert quality(held + planned, *people, **room).idle_seats == 0


@pytest.mark.parametrize(
    "scores, met, counts",
    [
        ({10: 9, 11: 8, 12: 7, 13: 1}, [10, 13], False),  # one of the best three
        ({10: 9, 11: 8, 12: 7, 13: 1}, [10, 12], True),
        ({10: 5, 11: 5, 12: 5, 13: 5}, [12, 13], True),  # all equally good: any two
    ],
)
def test_the_top_two_share_counts_interns_who_met_two_of_their_three_best_matches(scores, met, counts):
    seats = [Seat(n, 1, senior, 1) for n, senior in enumerate(met, start=1)]
    room = {"rounds": 2, "tables": 1, "seats_per_table": 1}
    figures = quality(seats, [1], [10, 11, 12, 13], {(1, s): v for s, v in scores.items()}, **room)
    assert figures.top_two_share == (1.0 if counts else 0.0)
    assert (figures.interns_planned, figures.seats) == (1, 2)


def test_interns_who_have_met_every_senior_sit_out_rather_than_meet_one_again():
    seats = plan([1, 2], [10, 11], {}, rounds=4, tables=2, seats_per_table=1)
    assert len(seats) == 4
    assert {seat.round for seat in seats} == {1, 2}
    assert {(seat.intern_id, seat.senior_id) for seat in seats} == {(1, 10), (1, 11), (2, 10), (2, 11)}


def test_no_seniors_present_gives_an_empty_plan():
    assert plan([1, 2, 3], [], {}, rounds=3, tables=2, seats_per_table=2) == []
    assert quality([], [1, 2, 3], [], {}, rounds=3, tables=2, seats_per_table=2).seats == 0


def test_a_lone_intern_meets_the_seniors_in_order_of_their_match():
    scores = {(1, 10): 2, (1, 11): 9, (1, 12): 5}
    seats = plan([1], [10, 11, 12], scores, rounds=3, tables=3, seats_per_table=2)
    assert [seat.senior_id for seat in seats] == [11, 12, 10]


def test_those_who_sat_out_sit_first_and_seniors_take_turns_at_the_one_table():
    """Four interns, one table of two, two seniors: everyone sits twice and meets both."""
    seats = plan([1, 2, 3, 4], [10, 11], {}, rounds=4, tables=1, seats_per_table=2)
    assert [sorted({s.senior_id for s in seats if s.round == n}) for n in (1, 2, 3, 4)] == [[10], [11], [10], [11]]
    assert Counter(seat.intern_id for seat in seats) == {1: 2, 2: 2, 3: 2, 4: 2}
    assert {(s.intern_id, s.senior_id) for s in seats} == {(i, s) for i in (1, 2, 3, 4) for s in (10, 11)}
    assert {seat.table for seat in seats} == {1}


def test_a_senior_waiting_their_turn_hosts_when_the_senior_due_has_met_everyone():
    """Dr 10 hosted once and Dr 11 twice, so it is Dr 10's turn; but the one intern
    left met Dr 10 already: seating comes before turns, so Dr 11 hosts again."""
    held = [Seat(1, 1, 10, 1), Seat(2, 1, 11, 8), Seat(3, 1, 11, 9)]
    seats = plan([1], [10, 11], {}, rounds=4, tables=1, seats_per_table=1, held=held, first_round=4)
    assert seats == [Seat(4, 1, 11, 1)]


def test_a_senior_who_leaves_mid_session_is_planned_around_from_the_next_round():
    interns, seniors = [1, 2, 3, 4, 5, 6], [10, 11, 12, 13, 14, 15]
    scores = {(i, s): (i * s) % 7 for i in interns for s in seniors}
    room = {"rounds": 4, "tables": 6, "seats_per_table": 2}
    first = plan(interns, seniors, scores, **room)
    held = [seat for seat in first if seat.round < 3]
    staying = [s for s in seniors if s != 11]
    again = plan(interns, staying, scores, **room, held=held, first_round=3)
    assert [len([seat for seat in again if seat.round == n]) for n in (3, 4)] == [6, 6]
    assert all(seat.senior_id != 11 for seat in again)
    tables = {seat.senior_id: seat.table for seat in first}
    assert all(seat.table == tables[seat.senior_id] for seat in again)
    assert_rules_kept(again, interns, staying, room, held, 3)


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"rounds": 0}, "at least one round"),
        ({"tables": 0}, "at least one table"),
        ({"seats_per_table": 0}, "at least one seat"),
        ({"first_round": 0}, "numbered from 1"),
        ({"held": [Seat(2, 1, 10, 1)], "first_round": 2}, "only rounds 1 to 1 are held"),
        ({"scores": {(1, 10): -1}}, "must be a number from 0"),
        ({"seniors": [1, 10]}, "Person 1 cannot sit as an intern and host"),
    ],
)
def test_impossible_input_is_refused_with_a_sentence(changes, message):
    arguments = {"interns": [1], "seniors": [10], "scores": {}, "rounds": 2, "tables": 1, "seats_per_table": 1}
    with pytest.raises(PlanError, match=message):
        plan(**{**arguments, **changes})


def test_the_top_two_share_counts_an_intern_never_seated_as_a_miss():
    scores = {(1, 10): 5, (1, 11): 4, (2, 10): 5, (2, 11): 4}
    seats = [Seat(1, 1, 10, 1), Seat(2, 1, 11, 1)]  # intern 2 is present but never sits
    figures = quality(seats, [1, 2], [10, 11], scores, rounds=2, tables=1, seats_per_table=1)
    assert figures.top_two_share == 0.5 and figures.interns_planned == 1


def test_the_greedy_baseline_plans_from_the_same_held_rounds():
    scores = {(1, 10): 1, (1, 11): 9, (1, 12): 8}
    room = {"rounds": 2, "tables": 3, "seats_per_table": 1}
    held = [Seat(1, 1, 10, 1)]  # round 1 as it was held: the intern's worst match
    planned = plan([1], [10, 11, 12], scores, **room, held=held, first_round=2)
    figures = quality([*held, *planned], [1], [10, 11, 12], scores, **room, held=held, first_round=2)
    # Both plan round 2 only, after the same round 1: a baseline from round 1 would score 9 + 8.
    assert figures.total == figures.greedy_total == 1 + 9


@st.composite
def rooms_for_everyone(draw):
    """Every senior hosts every round with room for every intern, and no more rounds than
    seniors: a rotation (intern k with senior k + round) seats everyone every round with a
    senior they have not met, so each intern can meet `rounds` different seniors."""
    seniors = draw(st.lists(st.integers(101, 120), min_size=1, max_size=9, unique=True))
    seats_per_table = draw(st.integers(1, 4))
    interns = draw(st.lists(st.integers(1, 40), max_size=len(seniors) * seats_per_table, unique=True))
    pairs = [(i, s) for i in interns for s in seniors]
    scores = {pair: draw(st.sampled_from([0, 1, 2, 3, 5, 8, 13])) for pair in pairs if draw(st.booleans())}
    room = {
        "rounds": draw(st.integers(1, len(seniors))),
        "tables": draw(st.integers(len(seniors), len(seniors) + 2)),
        "seats_per_table": seats_per_table,
    }
    return interns, seniors, scores, room


@EXAMPLES
@given(rooms_for_everyone())
def test_when_a_rotation_seats_everyone_each_intern_meets_a_different_senior_every_round(session):
    """Planning one round at a time must not strand anyone: a senior whose table stood half
    empty early on would lack the seats, in the last rounds, for the interns still to meet him."""
    interns, seniors, scores, room = session
    planned = plan(interns, seniors, scores, **room)
    met = Counter(seat.intern_id for seat in planned)
    assert all(met[intern] == room["rounds"] for intern in interns)
    assert_rules_kept(planned, interns, seniors, room)


@pytest.mark.parametrize("scored", [False, True])
def test_nine_interns_meet_all_five_seniors_over_five_rounds_at_tables_of_two(scored):
    """The evening that showed the planner myopic: ten seats a round for nine interns, so one
    table a round has an empty seat. Leaving it at the same senior's table in rounds 1 to 4
    left him five interns still to meet and two seats in round 5. All 45 pairs can meet."""
    interns, seniors = list(range(1, 10)), list(range(101, 106))
    scores = {(i, s): (i * s) % 7 for i in interns for s in seniors} if scored else {}
    planned = plan(interns, seniors, scores, rounds=5, tables=5, seats_per_table=2)
    assert {(seat.intern_id, seat.senior_id) for seat in planned} == {(i, s) for i in interns for s in seniors}


def test_sixteen_interns_meet_eight_of_nine_seniors_over_eight_rounds_at_tables_of_two():
    """With fewer rounds than seniors each intern can skip one. Counted as if every intern had
    to meet every senior still unmet, the urgency misjudged who needed the fuller tables, and
    in the last round one intern found both seniors left to them full: 127 pairs of 128."""
    interns, seniors = list(range(1, 17)), list(range(101, 110))
    planned = plan(interns, seniors, {}, rounds=8, tables=9, seats_per_table=2)
    assert Counter(seat.intern_id for seat in planned) == dict.fromkeys(interns, 8)
    assert len({(seat.intern_id, seat.senior_id) for seat in planned}) == 128
