"""The settings of signing in with the hospital account (OpenID Connect,
docs/sso.md): their defaults, how the environment spells them, and the
check that they can work. Kept apart from config.py, which reads them."""

from __future__ import annotations

from urllib.parse import urlsplit

from eventsapp.errors import ConfigError


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


class SsoDefaults:
    # Unset: no hospital sign-in, only passwords.
    OIDC_ISSUER: str | None = None
    OIDC_CLIENT_ID: str | None = None
    OIDC_CLIENT_SECRET: str | None = None
    # What the button says after "Sign in with your ...".
    OIDC_PROVIDER_NAME = "hospital account"
    # Seconds to wait for the provider (discovery, keys, the code exchange).
    OIDC_TIMEOUT = 5.0
    # Off: the hospital sign-in is the only way in (SSO only).
    PASSWORD_LOGIN = True
    # On: accounts the hospital sign-in made may choose a password by a mailed
    # link even while that sign-in is set up (for a provider down for long).
    SSO_ACCOUNTS_MAY_SET_PASSWORD = False


SSO_ENVIRONMENT = {
    "OIDC_ISSUER": str,
    "OIDC_CLIENT_ID": str,
    "OIDC_CLIENT_SECRET": str,
    "OIDC_PROVIDER_NAME": str,
    "OIDC_TIMEOUT": float,
    "PASSWORD_LOGIN": _flag,
    "SSO_ACCOUNTS_MAY_SET_PASSWORD": _flag,
}


def sso_enabled(config) -> bool:
    return bool(config.get("OIDC_ISSUER"))


def check_sso_settings(config) -> None:
    """Refuse settings with which nobody could sign in: half an SSO setup,
    or passwords off without SSO."""
    issuer = config.get("OIDC_ISSUER")
    if not issuer:
        if not config.get("PASSWORD_LOGIN", True):
            raise ConfigError("PASSWORD_LOGIN is off but OIDC_ISSUER is not set: nobody could sign in.")
        return
    parts = urlsplit(issuer)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigError(f"OIDC_ISSUER={issuer!r} is not an issuer URL; use one such as https://accounts.google.com.")
    local = parts.hostname in ("127.0.0.1", "localhost")
    if parts.scheme == "http" and config.get("APP_ENV") == "production" and not local:
        raise ConfigError("OIDC_ISSUER must use https in production.")
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not config.get(name):
            raise ConfigError(f"OIDC_ISSUER is set but {name} is not: set both from the provider's app registration.")
    timeout = config.get("OIDC_TIMEOUT")
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 60:
        raise ConfigError(f"OIDC_TIMEOUT={timeout!r} is not a number of seconds from 0 to 60.")
