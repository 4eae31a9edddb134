"""Configuration, loaded in a fixed order: defaults, then `instance/config.py`,
then the environment, then the overrides a caller (a test) passes in."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

from flask.helpers import get_debug_flag

from eventsapp.errors import ConfigError
from eventsapp.ssoconfig import SSO_ENVIRONMENT, SsoDefaults, check_sso_settings

#: Values that must never serve as a production SECRET_KEY.
WEAK_SECRET_KEYS = {"dev", "secret", "changeme", "change-me", "development", "test"}
MIN_PRODUCTION_SECRET_LENGTH = 32
#: A random key of that length has many different characters; "a" * 32 has one.
MIN_PRODUCTION_SECRET_CHARACTERS = 10


class Defaults(SsoDefaults):
    APP_NAME = "Mentor Rounds"
    APP_ENV: str | None = None  # "production" or "development"; see running_environment()
    APP_TIMEZONE = "America/New_York"
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled from DATABASE_URL or instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)  # also how long a remembered session lasts
    SESSION_LIFETIME_HOURS = 12.0  # how long any other login lasts (docs/sessions.md)
    EMAIL_CONFIRM_HOURS = 48.0  # how long a link confirming an address works (docs/accounts.md)
    PASSWORD_RESET_HOURS = 2.0  # how long a link to choose a new password works (docs/accounts.md)
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    USERS_PER_PAGE = 25
    EVENTS_PER_PAGE = 20
    SUGGESTIONS_SHOWN = 20
    # Reverse proxies in front (load balancer, nginx), whose X-Forwarded-* are trusted: links say https.
    PROXIES = 0
    # The domain in calendar UIDs; set it to the site's host name once, and keep it.
    CALENDAR_UID_DOMAIN: str | None = None
    # How long a process reuses what suggestions share between viewers (interest counts, short lists).
    MATCHING_CACHE_SECONDS = 300
    # Mail: with MAIL_SERVER unset, messages are written to instance/mail/.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Mentor Rounds <no-reply@localhost>"
    MAIL_TIMEOUT = 5
    # The outbox (docs/background.md): how long a worker holds claimed mail before another
    # takes it over (it died mid-send), and how long temporary failures are retried.
    MAIL_LEASE_SECONDS = 600
    MAIL_RETRY_HOURS = 24
    # How many messages the organizers of one event may send in any 24 hours.
    EVENT_MESSAGES_PER_DAY = 3
    # How often the worker looks for due mail (its other jobs have their own).
    WORKER_INTERVAL_SECONDS = 5
    # When the weekly digest of next week's events goes: this day and hour
    # on each member's own clock (docs/features.md, "Weekly digest").
    DIGEST_DAY = "Friday"
    DIGEST_HOUR = 16
    # Limits on logging in, registering and asking for a new password (docs/throttle.md;
    # accounts/throttle.py checks them at start); a refused attempt gets 429 and Retry-After.
    AUTH_RATE_LIMIT_ENABLED = True
    AUTH_RATE_LIMIT_LOGIN_PER_IP = "20 per 5 minutes"
    AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT = "10 per 15 minutes"
    AUTH_RATE_LIMIT_REGISTER_PER_IP = "20 per hour"
    AUTH_RATE_LIMIT_REGISTER_PER_ACCOUNT = "5 per hour"
    AUTH_RATE_LIMIT_RESET_PER_IP = "20 per hour"
    AUTH_RATE_LIMIT_RESET_PER_ACCOUNT = "3 per hour"
    # The program pages (docs/program.md): year start (month-day), mentor target, figure cache.
    PROGRAM_YEAR_START = "07-01"
    PROGRAM_TARGET_PERCENT = 90
    PROGRAM_TARGET_MONTHS = 3
    PROGRAM_CACHE_SECONDS = 300
    AUDIT_RETENTION_DAYS = 730  # the worker purges older audit entries; 0 keeps them (docs/audit.md)
    ATTENDEE_DATA_RETENTION_YEARS = 0  # answers, check-ins of events ended longer ago go; 0 keeps (docs/retention.md)


#: Settings read from the environment when present (name -> converter).
ENVIRONMENT_SETTINGS = {
    "APP_NAME": str,
    "APP_ENV": str,
    "APP_TIMEZONE": str,
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "CALENDAR_UID_DOMAIN": str,
    "PROXIES": int,
    "SESSION_LIFETIME_HOURS": float,
    "EMAIL_CONFIRM_HOURS": float,
    "PASSWORD_RESET_HOURS": float,
    "SERVER_NAME": str,  # Flask's, with the scheme: what mail sent outside a request links to
    "PREFERRED_URL_SCHEME": str,
    # Benchmark-only: an X-Query-Count header on every response (refused in production).
    "BENCH_QUERY_COUNT": lambda value: value.lower() in ("1", "true", "yes", "on"),
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": lambda value: value.lower() in ("1", "true", "yes", "on"),
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_DEFAULT_SENDER": str,
    "MAIL_TIMEOUT": float,
    "MAIL_LEASE_SECONDS": int,
    "MAIL_RETRY_HOURS": float,
    "EVENT_MESSAGES_PER_DAY": int,
    "WORKER_INTERVAL_SECONDS": float,
    "AUDIT_RETENTION_DAYS": int,
    "ATTENDEE_DATA_RETENTION_YEARS": int,
    "DIGEST_DAY": str,
    "DIGEST_HOUR": int,
    "AUTH_RATE_LIMIT_ENABLED": lambda value: value.lower() in ("1", "true", "yes", "on"),
    **{name: str for name in vars(Defaults) if name.endswith(("_PER_IP", "_PER_ACCOUNT"))},  # the limits' rates
    "PROGRAM_YEAR_START": str,
    "PROGRAM_TARGET_PERCENT": int,
    "PROGRAM_TARGET_MONTHS": int,
    **SSO_ENVIRONMENT,
}


def normalise_database_url(url: str) -> str:
    """Let `postgres://` and `postgresql://` URLs (as hosting platforms print
    them) use psycopg 3, the driver this project installs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        from eventsapp.writerqueue import WriterQueue

        # Writers take turns before they ask for SQLite's lock (writerqueue.py).
        return {"connect_args": {"timeout": 15, "factory": WriterQueue}}
    # pool_pre_ping replaces connections the database closed while idle,
    # so a restarted PostgreSQL does not cost users an error page.
    return {"pool_pre_ping": True}


def running_environment(configured: str | None) -> str:
    """APP_ENV if set; otherwise production under gunicorn (the production
    server) and development everywhere else (flask run, the tests)."""
    if configured:
        return configured
    return "production" if "gunicorn" in sys.modules else "development"


def load_config(app, overrides: dict | None) -> None:
    """Fill `app.config` in order; raise ConfigError with a clear message."""
    overrides = overrides or {}
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    if "DATABASE_URL" in os.environ:
        # The environment beats a URI set in instance/config.py.
        app.config["SQLALCHEMY_DATABASE_URI"] = None
    for name, convert in ENVIRONMENT_SETTINGS.items():
        if name in os.environ:
            app.config[name] = convert(os.environ[name])
    app.config.update(overrides)
    app.config["APP_ENV"] = running_environment(app.config.get("APP_ENV"))
    if app.config["APP_ENV"] == "production" and app.config.get("BENCH_QUERY_COUNT"):
        raise ConfigError("BENCH_QUERY_COUNT is for the benchmark only, never production.")
    if app.config["APP_ENV"] == "production" and (app.config.get("DEBUG") or get_debug_flag()):
        # The debugger runs any code typed into an error page: never on a real server.
        raise ConfigError(
            "Debug mode is on (FLASK_DEBUG or DEBUG) with APP_ENV=production. "
            "Unset FLASK_DEBUG and DEBUG, or run with APP_ENV=development on your own machine."
        )
    if app.config["APP_ENV"] == "production":
        # Production is served over HTTPS: cookies never travel in clear.
        for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
            app.config[name] = overrides.get(name, True)
        if not app.config.get("SERVER_NAME"):  # else mail links follow the Host header anyone can send
            raise ConfigError("SERVER_NAME is not set: set it to the site's host name, e.g. rounds.hospital.example.")

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        url = "sqlite:///" + str(Path(app.instance_path) / "eventsapp.sqlite")
    url = normalise_database_url(url)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    defaults, configured = engine_options(url), app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **defaults,
        **configured,
        # (Connection arguments set in instance/config.py add to ours.)
        "connect_args": {**defaults.get("connect_args", {}), **configured.get("connect_args", {})},
    }

    check_timezone(app.config["APP_TIMEZONE"])
    check_digest_schedule(app.config)
    check_program_settings(app.config)
    check_sso_settings(app.config)
    app.config["SECRET_KEY"] = resolve_secret_key(app)


def check_timezone(name: str) -> None:
    from eventsapp.timeutil import zone_named

    if zone_named(name) is None:
        raise ConfigError(
            f"APP_TIMEZONE={name!r} is not an IANA time zone name; "
            "use a name such as 'America/New_York' or 'Europe/London'."
        )


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def digest_weekday(name: str) -> int:
    """DIGEST_DAY as a weekday number (Monday 0), whatever its case."""
    return WEEKDAYS.index(str(name).strip().lower())


def check_digest_schedule(config) -> None:
    if str(config["DIGEST_DAY"]).strip().lower() not in WEEKDAYS:
        raise ConfigError(f"DIGEST_DAY={config['DIGEST_DAY']!r} is not a day of the week; use a name such as 'Friday'.")
    if not isinstance(config["DIGEST_HOUR"], int) or not 0 <= config["DIGEST_HOUR"] <= 23:
        raise ConfigError(f"DIGEST_HOUR={config['DIGEST_HOUR']!r} is not an hour; use a whole number from 0 to 23.")


def check_program_settings(config) -> None:
    try:
        month, day = (int(part) for part in str(config["PROGRAM_YEAR_START"]).strip().split("-"))
        date(2001, month, day)
    except ValueError:
        raise ConfigError(
            f"PROGRAM_YEAR_START={config['PROGRAM_YEAR_START']!r} is not a month and day; use MM-DD, such as '07-01'."
        ) from None
    if not isinstance(config["PROGRAM_TARGET_PERCENT"], int) or not 1 <= config["PROGRAM_TARGET_PERCENT"] <= 100:
        raise ConfigError("PROGRAM_TARGET_PERCENT must be a whole number from 1 to 100.")
    if not isinstance(config["PROGRAM_TARGET_MONTHS"], int) or not 1 <= config["PROGRAM_TARGET_MONTHS"] <= 12:
        raise ConfigError("PROGRAM_TARGET_MONTHS must be a whole number from 1 to 12.")


def resolve_secret_key(app) -> str:
    key = app.config.get("SECRET_KEY")
    if app.config["APP_ENV"] == "production":
        if not key:
            raise ConfigError(
                "SECRET_KEY is not set. The production server refuses to start "
                "without one: set SECRET_KEY to a long random value, e.g. the output "
                "of `python -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        if (
            len(key) < MIN_PRODUCTION_SECRET_LENGTH
            or key.lower() in WEAK_SECRET_KEYS
            or len(set(key)) < MIN_PRODUCTION_SECRET_CHARACTERS
        ):
            raise ConfigError(
                f"SECRET_KEY is too weak for production: use at least {MIN_PRODUCTION_SECRET_LENGTH} random characters."
            )
        return key
    if key:
        return key
    return development_secret_key(Path(app.instance_path))


def development_secret_key(instance: Path) -> str:
    """Generate a random key once and keep it in instance/, so that sessions
    survive restarts of the development server."""
    path = instance / "secret_key"
    existing = path.read_text().strip() if path.exists() else ""
    if existing:
        return existing
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written whole to a private temporary file, then linked into place: a
    # process starting at the same moment never reads a half-written key,
    # and if two race, both use the one that got there first.
    fd, temporary = tempfile.mkstemp(dir=instance, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.chmod(temporary, 0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            if not path.read_text().strip():
                os.replace(temporary, path)
                return key
            return path.read_text().strip()
        return key
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def site_root(config) -> str:
    """This site's address ("http://host/": PREFERRED_URL_SCHEME, SERVER_NAME) for commands and the worker."""
    server = config.get("SERVER_NAME") or "localhost"
    scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    return f"{scheme}://{server}/"
