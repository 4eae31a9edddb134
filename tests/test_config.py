"""Configuration: databases, secrets and the hospital's time zone."""

import os
import stat

import pytest

from eventsapp import create_app
from eventsapp.config import ConfigError, normalise_database_url
from eventsapp.transactions import SQLITE_MMAP_BYTES

#: A key as `secrets.token_hex(32)` makes one.
STRONG_KEY = "5f0c9e2b7a4d81c6e3f9a0b2d4c6e8f1a3b5c7d9e0f2a4b6c8d0e1f3a5b7c9d2"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "SECRET_KEY", "APP_ENV", "APP_TIMEZONE", "APP_NAME", "PROXIES", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SERVER_NAME", "rounds.hospital.example")  # required in production
    return {"INSTANCE_PATH": str(tmp_path / "instance")}


def test_default_database_is_sqlite_in_the_instance_folder(clean_env, tmp_path):
    app = create_app(clean_env)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/instance/eventsapp.sqlite"


def test_database_url_selects_postgresql_with_psycopg_3(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://app:pw@db.example:5432/events")
    app = create_app(clean_env)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app:pw@db.example:5432/events"
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://h/db", "postgresql+psycopg://h/db"),
        ("postgresql+psycopg://h/db", "postgresql+psycopg://h/db"),
        ("sqlite:////tmp/x.sqlite", "sqlite:////tmp/x.sqlite"),
    ],
)
def test_database_urls_are_normalised_for_psycopg(url, expected):
    assert normalise_database_url(url) == expected


def test_development_generates_a_secret_key_once_and_keeps_it(clean_env, tmp_path):
    first = create_app(clean_env).config["SECRET_KEY"]
    second = create_app(clean_env).config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_secret_key_from_the_environment_wins(clean_env, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    assert create_app(clean_env).config["SECRET_KEY"] == "k" * 40


def test_production_refuses_to_start_without_a_secret_key(clean_env, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(clean_env)


@pytest.mark.parametrize("key", ["dev", "changeme", "short-but-not-empty", "a" * 64, "ab" * 32])
def test_production_refuses_a_weak_secret_key(clean_env, monkeypatch, key):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError, match="too weak"):
        create_app(clean_env)


def test_production_starts_with_a_strong_secret_key(clean_env, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    assert create_app(clean_env).config["SECRET_KEY"] == STRONG_KEY


def test_production_refuses_to_start_without_server_name(clean_env, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.delenv("SERVER_NAME")
    with pytest.raises(ConfigError, match="SERVER_NAME is not set"):
        create_app(clean_env)
    monkeypatch.setenv("APP_ENV", "development")
    assert create_app(clean_env).config["APP_ENV"] == "development"  # not needed on one's own machine


def test_production_cookies_are_secure_only(clean_env, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    config = create_app(clean_env).config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]


def test_under_gunicorn_the_app_is_production_unless_told_otherwise(clean_env, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "gunicorn", object())
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app(clean_env)
    monkeypatch.setenv("APP_ENV", "development")
    assert create_app(clean_env).config["APP_ENV"] == "development"


def test_an_empty_secret_key_file_is_replaced(clean_env, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "secret_key").write_text("")
    key = create_app(clean_env).config["SECRET_KEY"]
    assert len(key) == 64 and (tmp_path / "instance" / "secret_key").read_text() == key


def test_database_url_in_the_environment_beats_the_instance_file(clean_env, monkeypatch, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text("SQLALCHEMY_DATABASE_URI = 'sqlite:////tmp/file.sqlite'\n")
    monkeypatch.setenv("DATABASE_URL", "postgresql://h/db")
    assert create_app(clean_env).config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://h/db"


def test_hospital_time_zone_comes_from_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("APP_TIMEZONE", "Europe/London")
    assert create_app(clean_env).config["APP_TIMEZONE"] == "Europe/London"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "EST5EDT/../x", "", "America", "a" * 300])
def test_unknown_time_zone_is_refused_with_a_clear_message(clean_env, monkeypatch, zone):
    monkeypatch.setenv("APP_TIMEZONE", zone)
    with pytest.raises(ConfigError, match="not an IANA time zone"):
        create_app(clean_env)


def test_test_overrides_win_over_the_environment(clean_env, monkeypatch):
    monkeypatch.setenv("APP_TIMEZONE", "Europe/London")
    app = create_app({**clean_env, "APP_TIMEZONE": "Asia/Tokyo"})
    assert app.config["APP_TIMEZONE"] == "Asia/Tokyo"


@pytest.mark.parametrize("value", ["1", "true"])
def test_production_refuses_to_start_with_flask_debug_on(clean_env, monkeypatch, value):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("FLASK_DEBUG", value)
    with pytest.raises(ConfigError, match="Debug mode is on"):
        create_app(clean_env)


def test_production_refuses_debug_set_in_the_instance_file(clean_env, monkeypatch, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text("DEBUG = True\n")
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    with pytest.raises(ConfigError, match="Debug mode is on"):
        create_app(clean_env)
    with pytest.raises(ConfigError, match="Debug mode is on"):
        create_app({**clean_env, "DEBUG": True})


def test_debug_mode_stays_available_in_development(clean_env, monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app(clean_env).debug
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("FLASK_DEBUG", "0")
    assert not create_app(clean_env).debug


def test_flask_run_with_debug_refuses_to_serve_in_production(clean_env, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in ("FLASK_DEBUG", "DATABASE_URL")}
    env.update(APP_ENV="production", SECRET_KEY=STRONG_KEY, DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "--debug", "run", "--no-reload", "--port", "0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "Debug mode is on" in result.stderr


def test_behind_a_proxy_links_follow_the_forwarded_scheme_and_host(clean_env, monkeypatch):
    monkeypatch.setenv("PROXIES", "1")
    app = create_app({**clean_env, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.get("/where-am-i")
    def where_am_i():
        from flask import url_for

        return url_for("main.home", _external=True)

    response = app.test_client().get(
        "/where-am-i", headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "rounds.hospital.example"}
    )
    assert response.get_data(as_text=True) == "https://rounds.hospital.example/"


def test_each_sqlite_connection_enforces_keys_and_commits_through_the_log(app, session):
    """Foreign keys on; WAL so readers go on during a write; commits not
    waiting for the disk (consistent after a crash, per SQLite's advice);
    the file read through a memory map."""
    if session.get_bind().dialect.name != "sqlite":
        return
    connection = session.connection()
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    options = connection.exec_driver_sql("PRAGMA compile_options").scalars().all()
    if "MAX_MMAP_SIZE=0" not in options:  # (a build without memory maps ignores the setting)
        assert connection.exec_driver_sql("PRAGMA mmap_size").scalar() == SQLITE_MMAP_BYTES


def test_postgresql_connections_compile_no_query_to_machine_code(app, session):
    """JIT off: the app's queries are short, and compiling one cost more than it ran."""
    if session.get_bind().dialect.name != "postgresql":
        return
    assert session.connection().exec_driver_sql("SHOW jit").scalar() == "off"


def test_connection_arguments_from_the_instance_config_add_to_ours(clean_env, tmp_path):
    from eventsapp.writerqueue import WriterQueue

    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "config.py").write_text(
        'SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"cached_statements": 256}}\n'
    )
    options = create_app(clean_env).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"timeout": 15, "factory": WriterQueue, "cached_statements": 256}


def test_the_sites_address_for_mail_comes_from_the_environment(clean_env, monkeypatch):
    """The worker links mail to the configured site, which a systemd unit's
    environment file sets."""
    from eventsapp.events.links import EventLinks

    monkeypatch.setenv("SERVER_NAME", "rounds.hospital.example")
    monkeypatch.setenv("PREFERRED_URL_SCHEME", "https")
    app = create_app(clean_env)
    assert EventLinks.on_site(app.config).url(7) == "https://rounds.hospital.example/events/7"
