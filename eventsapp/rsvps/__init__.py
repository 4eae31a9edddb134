"""RSVPs: going, maybe, not going, and the waitlist when an event is full."""
