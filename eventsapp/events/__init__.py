"""Events: departmental meetings, conferences and socials, one-off or recurring."""
