"""A model-based test of a mentorship's life: asking, accepting, declining,
expiry, "did you meet?", meetings with private notes, the next meeting, the
worker's follow-ups, closing, account deletion and a senior's limit going
down and up, in random order, through the services as the pages and the
worker call them, on a clock the test moves. After every step: no senior
takes more than their limit, no follow-up goes to a closed pair or a
departed member or twice for one occasion, no private note reaches anyone
but its author, and an introduction has one mentorship at most."""

import itertools
from datetime import timedelta

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from eventsapp import worker
from eventsapp.accounts import privacy
from eventsapp.accounts.models import User
from eventsapp.introductions import services as introductions
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import answers, followups, services
from eventsapp.mentorships.models import Answer, CloseReason, FollowUpKind, Mentorship, Place
from eventsapp.notifications.mentorship_notices import Kind
from eventsapp.profiles.services import update_profile
from eventsapp.timeutil import utcnow
from tests import lifecycle_checks as check
from tests.factories import DEFAULT_PASSWORD, make_user

# Model-based: long random sequences; make test-fast leaves it out.
pytestmark = pytest.mark.slow

INTERNS, SENIORS = 3, 2
DAY = timedelta(days=1)
#: Each pick of a request, a mentorship or a meeting is an index into those so far.
PICK = st.integers(0, 15)


def run_machine(client, session):
    organizer = make_user("Olu Organizer", role="organizer", stage="attending")
    admin = make_user("Ada Admin", role="admin", stage="faculty")
    runs = itertools.count(1)
    tokens = itertools.count(1)

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            session.rollback()
            run = next(runs)
            self.now = utcnow().replace(microsecond=0)
            self.interns = [make_user(f"Intern {run}-{n}", stage="intern").id for n in range(INTERNS)]
            self.seniors = [
                make_user(f"Senior {run}-{n}", stage="attending", open_to_interns=True, intro_capacity=3).id
                for n in range(SENIORS)
            ]
            self.people = self.interns + self.seniors
            self.addresses = {u: session.get(User, u).email for u in self.people}
            self.gone: dict[int, tuple[int, int]] = {}  # departed member -> (last notice, last mail) then
            self.requests: list[int] = []
            self.mentorships: dict[int, tuple[int, int]] = {}  # id -> (intern, mentor)
            self.meetings: list[tuple[int, int]] = []  # (mentorship, meeting)
            self.notes: dict[tuple[int, int], tuple[str, int]] = {}  # (author, meeting) -> (text, mentorship)
            self.forgotten: set[str] = set()  # notes replaced by their authors
            self.closed: dict[int, int] = {}  # mentorship -> the last notice before it closed
            self.ceiling = {s: 3 for s in self.seniors}  # the most places a senior may hold now
            self.sent: dict[int, int] = dict.fromkeys(self.people, 0)  # follow-ups each member got
            self.occasions: set[tuple] = set()
            self.off: dict[int, set[str]] = {}  # the follow-ups each member turned off

        def user(self, user_id):
            return session.get(User, user_id)

        def pick(self, items, n):
            return items[n % len(items)]

        def requests_in(self, n, *statuses):
            found = check.requests_in(self.requests, n, self.now, statuses)
            return self.pick(found, n) if found else None

        def active_or_any(self, n):
            active = check.active_among(self.mentorships)
            return self.pick(active if active and n % 4 else sorted(self.mentorships), n)

        @initialize(met=st.booleans())
        def two_connections(self, met):
            """Two pairs introduced, one perhaps met: most of a life starts there."""
            for intern, senior in zip(self.interns, self.seniors, strict=False):
                request = introductions.request_introduction(session, self.user(intern), senior, "Coffee?", self.now)
                introductions.answer(session, self.user(senior), request.id, True, self.now)
                self.requests.append(request.id)
            if met:
                self.did_you_meet(0, senior_answers=False, said=Answer.MET)

        # --- Asking and answering ---------------------------------------------------

        @rule(i=st.integers(0, INTERNS - 1), s=st.integers(0, SENIORS - 1))
        def ask(self, i, s):
            intern, senior = self.interns[i], self.seniors[s]
            if intern in self.gone or senior in self.gone:
                return
            _, taken = check.places(senior, self.now)
            limit = self.user(senior).profile.intro_capacity
            request = check.attempt(introductions.request_introduction, self.user(intern), senior, "Coffee?", self.now)
            if request is not check.REFUSED:
                self.requests.append(request.id)
                assert taken < limit, "a request was let in although the senior's places were all taken"

        @precondition(lambda self: self.requests)
        @rule(r=PICK, accept=st.booleans())
        def answer(self, r, accept):
            request_id = self.requests_in(r, RequestStatus.PENDING)
            if request_id is None:
                return
            request = session.get(IntroRequest, request_id)
            done = check.attempt(introductions.answer, request.senior, request.id, accept, self.now)
            if done is not check.REFUSED and accept:
                accepted, _ = check.places(done.senior_id, self.now)
                assert accepted <= done.senior.profile.intro_capacity

        @precondition(lambda self: self.requests)
        @rule(days=st.sampled_from([1, 15]))
        def expire(self, days):
            """The worker stores what expired while the clock moved on."""
            self.now += days * DAY
            worker.expire_introductions(session, self.now)
            assert not check.past_their_date_but_pending(self.requests, self.now)

        @rule(s=st.integers(0, SENIORS - 1), limit=st.integers(0, 4))
        def change_limit(self, s, limit):
            """To 1-4, or (0) to as many as their connections now."""
            senior = self.user(self.seniors[s])
            if senior is None:
                return
            connections, taken = check.places(senior.id, self.now)
            limit = limit or max(connections, 1)
            update_profile(session, senior, check.limit_changed(senior, limit))
            self.ceiling[senior.id] = max(limit, taken)

        # --- Did you meet? and the mentorship ---------------------------------------------

        @precondition(lambda self: self.requests)
        @rule(r=PICK, senior_answers=st.booleans(), said=st.sampled_from([Answer.MET, Answer.MET, *Answer.ALL]))
        def did_you_meet(self, r, senior_answers, said):
            request_id = self.requests_in(r, RequestStatus.ACCEPTED)
            if request_id is None:
                return
            request = session.get(IntroRequest, request_id)
            who = request.senior if senior_answers else request.requester
            mentorship = check.attempt(answers.answer_met, who, request.id, said, self.now)
            if mentorship not in (None, check.REFUSED):
                self.mentorships.setdefault(mentorship.id, (mentorship.intern_id, mentorship.mentor_id))

        def member(self, m, by_mentor):
            mentorship_id = self.active_or_any(m)
            return mentorship_id, self.user(self.mentorships[mentorship_id][by_mentor])

        @precondition(lambda self: self.mentorships)
        @rule(m=PICK, by_mentor=st.booleans(), days_back=st.sampled_from([0, 3, 40, 100]), noted=st.booleans())
        def log_meeting(self, m, by_mentor, days_back, noted):
            mentorship_id, user = self.member(m, by_mentor)
            if user is None:
                return
            note = f"pnote{next(tokens):05d}x" if noted else ""
            day = self.now.date() - days_back * DAY
            if days_back >= 40:  # also before the mentorship began: the meeting that led to "we met"
                began = session.get(Mentorship, mentorship_id).started_at.date()
                day = min(day, began - (days_back - 30) * DAY)
            details = services.MeetingDetails(day, Place.COFFEE, note=note)
            meeting = check.attempt(services.log_meeting, user, mentorship_id, details, self.now.date())
            if meeting is not check.REFUSED:
                self.meetings.append((mentorship_id, meeting.id))
                if note:
                    self.notes[user.id, meeting.id] = (note, mentorship_id)

        @precondition(lambda self: self.meetings)
        @rule(n=PICK, by_mentor=st.booleans())
        def write_own_note(self, n, by_mentor):
            """Each member keeps their own note, on meetings the other logged too."""
            mentorship_id, meeting_id = self.pick(self.meetings, n)
            user = self.user(self.mentorships[mentorship_id][by_mentor])
            if user is None:
                return
            note = f"pnote{next(tokens):05d}x"
            if check.attempt(services.save_note, user, mentorship_id, meeting_id, note) is not check.REFUSED:
                replaced = self.notes.get((user.id, meeting_id))
                if replaced:
                    self.forgotten.add(replaced[0])
                self.notes[user.id, meeting_id] = (note, mentorship_id)

        @precondition(lambda self: self.mentorships)
        @rule(m=PICK, by_mentor=st.booleans(), hours=st.sampled_from([2, 24 * 10, 24 * 45]))
        def plan_next(self, m, by_mentor, hours):
            mentorship_id, user = self.member(m, by_mentor)
            if user is not None:
                starts = self.now + timedelta(hours=hours)
                check.attempt(services.set_next_meeting, user, mentorship_id, starts, "UTC", "Cafeteria", self.now)

        @precondition(lambda self: self.mentorships)
        @rule(m=PICK, by_mentor=st.booleans(), reason=st.sampled_from(CloseReason.CHOSEN))
        def close(self, m, by_mentor, reason):
            mentorship_id, user = self.member(m, by_mentor)
            if user is None:
                return
            before, _ = check.last_ids()
            if check.attempt(services.close, user, mentorship_id, reason, "Thank you!") is not check.REFUSED:
                self.closed[mentorship_id] = before

        @rule(who=st.integers(0, INTERNS + SENIORS - 1))
        def delete_account(self, who):
            user = self.user(self.people[who])
            if user is None:
                return
            marks = check.last_ids()
            active = check.active_of(user.id)
            privacy.delete_account(session, user, DEFAULT_PASSWORD)
            self.gone[self.people[who]] = marks
            self.closed.update(dict.fromkeys(active, marks[0]))

        @rule(who=st.integers(0, INTERNS + SENIORS - 1), off=st.sets(st.sampled_from(FollowUpKind.ALL), max_size=1))
        def choose_follow_ups(self, who, off):
            """As on /mentorships: each kind can be turned off, and on again."""
            if self.people[who] not in self.gone:
                followups.set_follow_ups(session, self.people[who], set(FollowUpKind.ALL) - off)
                self.off[self.people[who]] = off

        @rule(days=st.sampled_from([0, 1, 14, 32, 63, 91]))
        def run_follow_ups(self, days):
            self.now += days * DAY
            before = check.follow_ups_of(self.people)
            worker.ask_did_you_meet(session, self.now)
            worker.nudge_mentorships(session, self.now)
            for kind, user_id, ref in sorted(check.follow_ups_of(self.people) - before):
                assert kind not in self.off.get(user_id, ()), f"{kind} sent although turned off"
                occasion = check.occasion(kind, user_id, ref, self.now)
                assert occasion not in self.occasions, f"{kind} sent twice for one occasion: {occasion}"
                self.occasions.add(occasion)
                self.sent[user_id] += 1
            # A second run at the same time sends nothing.
            assert worker.ask_did_you_meet(session, self.now) + worker.nudge_mentorships(session, self.now) == 0

        # --- After every step ---------------------------------------------------------

        @invariant()
        def no_senior_takes_more_places_than_their_limit(self):
            session.rollback()
            for senior in self.seniors:
                if senior not in self.gone:
                    _, taken = check.places(senior, self.now)
                    assert taken <= self.ceiling[senior], "a request or an acceptance went past the limit"
                    limit = self.user(senior).profile.intro_capacity
                    self.ceiling[senior] = max(limit, min(self.ceiling[senior], taken))

        @invariant()
        def an_introduction_has_one_mentorship_at_most(self):
            assert set(check.mentorships_per_introduction(self.requests)) <= {1}

        @invariant()
        def nothing_is_sent_for_a_closed_pair_or_a_departed_member(self):
            for mentorship_id, notice_mark in self.closed.items():
                told = check.notices_since(notice_mark, mentorship_id)
                assert told in ([], [Kind.CLOSED]), f"told {told} after mentorship {mentorship_id} closed"
            for user_id, (_, mail_mark) in self.gone.items():
                assert check.mails_since(mail_mark, self.addresses[user_id]) == 0
            for user_id in set(self.people) - set(self.gone):  # (a departed member's mail goes with them)
                assert check.follow_up_notices(user_id) == self.sent[user_id]
                assert check.follow_up_mails(self.addresses[user_id]) == self.sent[user_id]
            session.rollback()

        @precondition(lambda self: self.notes)
        @rule()
        def others_look(self):
            members = {u: [] if u in self.gone else sorted(self.mentorships) for u in self.people}
            check.notes_stay_private(client, self.notes, self.forgotten, self.mentorships, members, (organizer, admin))

        def teardown(self):
            if self.notes:
                self.others_look()

    # Derandomized (the same sequences in every run) and reported without
    # shrinking, which would replay hundreds of database sequences.
    Lifecycle.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=40,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    Lifecycle.TestCase().runTest()


def test_random_lives_of_mentorships_keep_every_invariant(client, session):
    run_machine(client, session)
