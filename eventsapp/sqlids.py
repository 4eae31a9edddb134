"""A list of ids as one bound parameter, where that keeps statements the same.

SQLAlchemy writes `col IN (...)` with one placeholder per id, so a statement's
text changes with the number of ids. On PostgreSQL that costs a plan each
time: psycopg prepares a statement (and PostgreSQL keeps its plan) only once
the same text has run several times on a connection, and lists of the
viewer's events or colleagues differ in length from one viewer to the next.
There the ids go as one integer array (`col = ANY(%(ids)s)`), so the text is
the same for everyone. SQLite keeps the usual IN list: it plans a statement
in microseconds, and a list runs faster there than a JSON array would.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def in_ids(column, name: str, dialect: str):
    """`column` is one of the ids bound as `name` (a list of ints), for a
    statement built for `dialect` (an engine's dialect.name)."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam(name, type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(sa.bindparam(name, expanding=True))
