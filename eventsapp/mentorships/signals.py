"""What happens in mentorships, announced for the domains above
(notifications tells the other member). Each signal's sender is the
Mentorship, its members loaded; receivers get `session` (they add to the
sender's transaction, before its commit), `links` (MentorshipLinks, plain
values from the view) and `by`, the member who acted."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: One of them answered "we met": the introduction is a mentorship now.
mentorship_started = _signals.signal("mentorship-started")
#: The intern wrote or changed the goals.
goals_written = _signals.signal("goals-written")
#: The senior commented on the goals.
goals_commented = _signals.signal("goals-commented")
#: A meeting was logged (never with anyone's note).
meeting_logged = _signals.signal("meeting-logged")
#: The next meeting was set or moved.
next_meeting_set = _signals.signal("next-meeting-set")
#: One of them closed it; `reason` and `thank_you` as they gave them.
mentorship_closed = _signals.signal("mentorship-closed")
#: `by` is deleting their account: the mentorship ended with it.
member_left = _signals.signal("member-left")

#: The worker asks `user` "did you meet `other`?" (the sender is the
#: IntroRequest); `event_title`: the event both were going to, if that is why.
did_you_meet_due = _signals.signal("did-you-meet-due")
#: The worker nudges `user` (`kind`: FollowUpKind.OVERDUE or QUIET).
follow_up_due = _signals.signal("follow-up-due")

#: A senior invited a connected intern to an event (the sender is the
#: Invitation, its event and people loaded); `links`: InvitationLinks.
invitation_sent = _signals.signal("invitation-sent")
#: The intern answered an invitation; `seat` is their RSVP's state when
#: going ("going" or "waitlisted"), None when not going.
invitation_answered = _signals.signal("invitation-answered")
