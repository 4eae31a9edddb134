"""What happens in speed mentoring that the domains above answer
(docs/signals.md). Sent with the database session as sender; receivers
add to the sender's transaction, before its commit."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: After the evening, a senior said they would like to meet an intern again
#: and the intern has not said so (yet): the intern is told. Keywords:
#: `senior`, `intern` (Users), `event` (the Event) and `link` (a PageLink to
#: the follow-up page).
wished_to_meet_again = _signals.signal("wished-to-meet-again")
