"""What notifications announce, for the web layer to act on: a member's
unread count changed, so a count kept for the page being built is stale."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sender: the member's user id.
unread_changed = _signals.signal("unread-changed")
