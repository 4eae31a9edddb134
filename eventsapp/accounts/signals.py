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

confirmation_needed = _signals.signal(
    "confirmation-needed",
    doc="""
An account needs a link to confirm its address (keyword `user`, flushed, and
`url`: the link). Notifications queues the mail in the sender's transaction.""",
)

registration_repeated = _signals.signal(
    "registration-repeated",
    doc="""
Someone tried to register an address that already has an account (keyword
`user`: that account, `links`: an AccountLinks, and `way_in`: how its owner
gets in, passwords.way_in). Notifications tells the
owner by mail, in the sender's transaction; the page said nothing.""",
)

password_reset_asked = _signals.signal(
    "password-reset-asked",
    doc="""
Someone asked for a link to choose a new password for an account's address
(keywords `user`; `url`: the link, or None for an account with no password
to reset; `way_in`: how that account gets in, passwords.way_in; `login`: the
login page's address). Notifications mails the owner in the sender's
transaction; the page said the same for any address.""",
)

address_proven_by_provider = _signals.signal(
    "address-proven-by-provider",
    doc="""
The hospital sign-in has just linked an account by its verified address
(keyword `user`, and `now`), in the sender's transaction. The roster counts
an invited person as joined: the link mailed to them is no longer needed.""",
)

unproven_claim_ended = _signals.signal(
    "unproven-claim-ended",
    doc="""
An account registered with an address it never confirmed has been handed to
the address's proven owner (keyword `user`), in the sender's transaction:
its password and logins are gone. Each domain revokes the claimant's
standing credentials (calendar removes the private feed's address).""",
)
