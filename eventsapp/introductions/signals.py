"""What happens to introduction requests, announced for the domains above
(notifications tells the people concerned). Each signal's sender is the
IntroRequest, its people loaded; receivers get `session` (they add to the
sender's transaction, before its commit) and `links` (the introductions
page as IntroductionLinks from the view; None outside a request)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A request was sent; the senior is to answer it.
request_sent = _signals.signal("request-sent")
#: The senior accepted: the two are connected.
request_accepted = _signals.signal("request-accepted")
#: The senior declined.
request_declined = _signals.signal("request-declined")
#: Nobody answered in time: one request, stored as expired as its senior
#: deletes their account (the row goes with the account).
request_expired = _signals.signal("request-expired")
#: Nobody answered in time: the sender is a tuple of the requests expire_stale
#: stored as expired together; also `now`, the moment of their expiry.
requests_expired = _signals.signal("requests-expired")
#: The senior stopped taking introductions, so the request was withdrawn.
senior_withdrew = _signals.signal("senior-withdrew")
#: One side ended the connection; `by` is who.
connection_ended = _signals.signal("connection-ended")
#: `leaving` is deleting their account; the request (pending or a
#: connection) goes with it.
member_leaving = _signals.signal("member-leaving")
