"""Configuration, loaded in a fixed order: defaults, then `instance/config.py`,
then the environment, then the overrides a caller (a test) passes in."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: Values that must never serve as a production SECRET_KEY.
WEAK_SECRET_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test"}
MIN_PRODUCTION_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to change."""


class Defaults:
    APP_NAME = "Mentor Rounds"
    APP_ENV = "development"  # "production" makes missing secrets fatal
    APP_TIMEZONE = "America/New_York"
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    USERS_PER_PAGE = 25


#: Settings read from the environment when present (name -> converter).
ENVIRONMENT_SETTINGS = {
    "APP_NAME": str,
    "APP_ENV": str,
    "APP_TIMEZONE": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
}


def normalise_database_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs (as hosting platforms print
    them) use psycopg 3, the driver this project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # Several threads of the development server share the file.
        return {"connect_args": {"timeout": 15}}
    # pool_pre_ping replaces connections the database closed while idle,
    # so a restarted PostgreSQL does not cost users an error page.
    return {"pool_pre_ping": True}


def load_config(app, overrides: dict | None) -> None:
    """Fill `app.config` in order; raise ConfigError with a clear message."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, convert in ENVIRONMENT_SETTINGS.items():
        if name in os.environ:
            app.config[name] = convert(os.environ[name])
    app.config.update(overrides or {})

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "eventsapp.sqlite")
    url = normalise_database_url(url)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **engine_options(url), **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}

    check_timezone(app.config["APP_TIMEZONE"])
    app.config["SECRET_KEY"] = resolve_secret_key(app)


def check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"APP_TIMEZONE={name!r} is not an IANA time zone name; "
            "use a name such as 'America/New_York' or 'Europe/London'."
        ) from exc


def resolve_secret_key(app) -> str:
    key = app.config.get("SECRET_KEY")
    if app.config["APP_ENV"] == "production":
        if not key:
            raise ConfigError(
                "SECRET_KEY is not set. The production server refuses to start "
                "without one: set SECRET_KEY to a long random value, e.g. the output "
                "of `python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        if len(key) < MIN_PRODUCTION_SECRET_LENGTH or key.lower() in WEAK_SECRET_KEYS:
            raise ConfigError(
                f"SECRET_KEY is too weak for production: use at least "
                f"{MIN_PRODUCTION_SECRET_LENGTH} random characters."
            )
        return key
    if key:
        return key
    return development_secret_key(Path(app.instance_path))


def development_secret_key(instance: Path) -> str:
    """Generate a random key once and keep it in instance/, so that sessions
    survive restarts of the development server."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        # Created readable by its owner only; O_EXCL lets exactly one of two
        # processes starting at once write it, and the other read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
