"""Fixtures: each test gets a fresh app and an empty, fully migrated database.

The schema is built once per run by the real migrations into a template
database, then copied for every test: fast, and the tests run against the
schema production gets. TEST_DATABASE_URL=postgresql+psycopg://... runs the
suite on PostgreSQL (each test gets a database cloned from the template).
"""

from __future__ import annotations

import io
import os
import shutil
import uuid

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import settings

from eventsapp import create_app
from eventsapp.extensions import db
from tests.factories import DEFAULT_PASSWORD

# Property tests draw the same examples on every run, so a run's result
# never depends on luck; HYPOTHESIS_PROFILE=explore draws new ones (and
# remembers failures) when looking for bugs on purpose.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "WTF_CSRF_ENABLED": False,
    "APP_TIMEZONE": "America/New_York",
    "MATCHING_CACHE_SECONDS": 0,
    "PROGRAM_CACHE_SECONDS": 0,
    # Every test logs in from 127.0.0.1; tests/test_accounts_throttle.py turns the limits on.
    "AUTH_RATE_LIMIT_ENABLED": False,
}


def _migrate(url: str, instance_path: str) -> None:
    from flask_migrate import upgrade

    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance_path})
    with app.app_context():
        upgrade()
        db.engine.dispose()


class SqliteDatabases:
    def __init__(self, tmp_path_factory):
        self.root = tmp_path_factory.mktemp("db")
        self.template = self.root / "template.sqlite"
        _migrate(f"sqlite:///{self.template}", str(self.root))

    def fresh(self, tmp_path) -> str:
        path = tmp_path / "test.sqlite"
        shutil.copyfile(self.template, path)
        return f"sqlite:///{path}"

    def release(self, url: str) -> None:
        pass

    def close(self) -> None:
        pass


class PostgresDatabases:
    """One template database migrated once; each test gets a clone."""

    def __init__(self, url: str, tmp_path_factory):
        self.admin_url = sa.make_url(url).set(database="postgres")
        self.base = sa.make_url(url).database
        self.admin = sa.create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        self.template = f"{self.base}_template"
        self.recreate(self.template)
        _migrate(
            str(sa.make_url(url).set(database=self.template).render_as_string(False)),
            str(tmp_path_factory.mktemp("instance")),
        )

    def recreate(self, name: str, template: str | None = None) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))

    def fresh(self, tmp_path) -> str:
        name = f"{self.base}_{uuid.uuid4().hex[:8]}"
        self.recreate(name, self.template)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def release(self, url: str) -> None:
        name = sa.make_url(url).database
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        with self.admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
        self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    url = os.environ.get("TEST_DATABASE_URL")
    found = PostgresDatabases(url, tmp_path_factory) if url else SqliteDatabases(tmp_path_factory)
    yield found
    found.close()


@pytest.fixture
def database_url(databases, tmp_path):
    url = databases.fresh(tmp_path)
    yield url
    databases.release(url)


@pytest.fixture
def make_app(database_url, tmp_path):
    """Build an app on this test's database, with extra configuration."""
    apps = []

    def factory(**overrides):
        app = create_app(
            {
                **BASE_CONFIG,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "INSTANCE_PATH": str(tmp_path / "instance"),
                **overrides,
            }
        )
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def session(app):
    return db.session


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, hence its own database
    session, as in production; the test's own session is not shared."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # werkzeug writes a multipart body over 500 KB to a temporary file
        # that nothing closes; left to the garbage collector, its warning
        # would fail whichever test runs then.
        for answered in (*response.history, response):
            body = answered.request.environ.get("wsgi.input")
            if isinstance(body, io.BufferedRandom):
                body.close()
        return response


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEFAULT_PASSWORD, **extra):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
