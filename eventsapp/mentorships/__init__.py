"""Mentorships: what an accepted introduction grows into once the two have met."""
