"""Speed mentoring: an event's rounds of short talks between interns and senior colleagues."""
