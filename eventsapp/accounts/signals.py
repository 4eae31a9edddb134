"""What accounts announce to the domains above them.

Each signal is sent with the database session as sender; receivers that
change data do so in that session, before the sender commits.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

account_created = _signals.signal(
    "account-created",
    doc="""
A new account is in the session, not yet committed (keyword `user`).
Profiles gives it its empty profile.""",
)

account_deleting = _signals.signal(
    "account-deleting",
    doc="""
An account is about to be deleted, in the same transaction (keyword `user`,
and `links`: how to link event pages in what is sent). Each domain gives up,
anonymises or hands over its own rows, and tells whom it must.""",
)
