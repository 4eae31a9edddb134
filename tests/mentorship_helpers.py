"""Building blocks for the mentorship tests: an accepted introduction
between an intern and a senior, and a mentorship grown from it."""

from __future__ import annotations

from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.mentorships import answers
from tests.factories import make_user


def connected_pair(intern_name="Maya Okafor", senior_name="Tomás Ferreira", at=None, **senior_fields):
    """An intern and a senior whose introduction was accepted (at `at`, by
    default now); returns (request, intern, senior)."""
    intern = make_user(intern_name, stage="intern", interests=["Cardiology"])
    values = {"stage": "attending", "open_to_interns": True, "interests": ["Cardiology"], "intro_capacity": 3}
    senior = make_user(senior_name, **{**values, **senior_fields})
    request = introductions.request_introduction(db.session, intern, senior.id, "Could we meet after rounds?", at)
    introductions.answer(db.session, senior, request.id, True, at)
    return request, intern, senior


def mentorship_pair(at=None, **kwargs):
    """A mentorship started by the intern's "we met" (at `at`); returns (mentorship, intern, senior)."""
    request, intern, senior = connected_pair(at=at, **kwargs)
    mentorship = answers.answer_met(db.session, intern, request.id, "met", at)
    return mentorship, intern, senior
