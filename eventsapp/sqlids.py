"""A list of ids as one bound parameter, so that a statement's text is the
same whatever the number of ids.

SQLAlchemy writes `col IN (...)` with one placeholder per id, so a
statement's text changes with the number of ids, and every id is a
parameter to render and bind on each run. On PostgreSQL a new text costs a
plan: psycopg prepares a statement (and PostgreSQL keeps its plan) only
once the same text has run several times on a connection, and lists of the
viewer's events or colleagues differ in length from one viewer to the next.
There the ids go as one integer array (`col = ANY(%(ids)s)`). On SQLite
they go as one JSON array read by `json_each`: a busy page binds some 500
ids, which SQLAlchemy would render one by one on every request (about half
a millisecond), while SQLite runs `IN (SELECT value FROM json_each(?))` as
fast as the written-out list (docs/configuration.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def in_ids(column, name: str, dialect: str):
    """`column` is one of the ids bound as `name` (a list of ints), for a
    statement built for `dialect` (an engine's dialect.name)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(sa.Integer)))
    ids = sa.func.json_each(sa.bindparam(name, type_=sa.JSON)).table_valued("value")
    return column.in_(sa.select(ids.c.value))
