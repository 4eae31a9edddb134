"""The benchmark's X-Query-Count header: exact, off by default, never in production."""

import pytest
import sqlalchemy as sa

from eventsapp import create_app
from eventsapp.config import ConfigError
from eventsapp.extensions import db
from tests.factories import make_event, make_user

#: A key as `secrets.token_hex(32)` makes one.
STRONG_KEY = "5f0c9e2b7a4d81c6e3f9a0b2d4c6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d2"


def test_each_response_says_how_many_statements_it_ran(make_app, auth):
    app = make_app(BENCH_QUERY_COUNT=True)
    with app.app_context():
        make_user(email="maya@hospital.example")
        make_event()
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    client.post("/login", data={"email": "maya@hospital.example", "password": "correct horse battery"})
    for url in ("/events", "/events/1", "/people"):
        statements.clear()
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["X-Query-Count"] == str(len(statements)) != "0", url
        assert float(response.headers["X-CPU-Ms"]) > 0


def test_the_header_is_off_by_default(client):
    response = client.get("/events")
    assert "X-Query-Count" not in response.headers and "X-CPU-Ms" not in response.headers


def test_production_refuses_the_benchmark_header(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("BENCH_QUERY_COUNT", "1")
    with pytest.raises(ConfigError, match="benchmark only"):
        create_app({"INSTANCE_PATH": str(tmp_path / "instance")})
