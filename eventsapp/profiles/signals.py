"""What profiles announce to the domains above them (sent with the session
as sender, before the change commits)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

opted_out = _signals.signal(
    "opted-out",
    doc="""
A senior is no longer open to meeting interns (keyword `user`, and `site`:
this site's address for links in mail, "" when unknown): the requests
waiting for their answer end at once.""",
)
