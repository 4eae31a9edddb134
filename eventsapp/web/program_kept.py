"""The program pages' figures as kept between requests (program/kept.py):
the key of a page's figures, and the setting that says how long."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app

from eventsapp.extensions import db
from eventsapp.program import kept


def figures(page: str, scope, now: datetime, count, *params) -> kept.Kept:
    """A page's figures, kept for PROGRAM_CACHE_SECONDS under the database,
    the page, the viewer's scope and the page's parameters; the downloads
    count afresh instead."""
    key = (str(db.engine.url), page, scope, *params)
    return kept.kept(key, seconds=current_app.config["PROGRAM_CACHE_SECONDS"], now=now, count=count)


def clock(moment: datetime) -> str:
    """When the figures were counted, as the hospital's time of day."""
    return moment.astimezone(ZoneInfo(current_app.config["APP_TIMEZONE"])).strftime("%H:%M")
