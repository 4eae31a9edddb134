"""Who an attempt counts against, without storing who it was: keyed
hashes of networks and of email spellings, and the signed cookie that
marks a browser its owner has logged in on before (docs/throttle.md)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from eventsapp.errors import DomainError

DEVICE_COOKIE = "known_device"
DEVICE_COOKIE_DAYS = 365
#: Accounts one browser remembers (a shared ward computer serves several).
DEVICE_ACCOUNTS_KEPT = 8


# --- Keys -----------------------------------------------------------------


def keyed(secret: str, bucket: str, value: str) -> str:
    """The counter key for a value: an HMAC, so the table holds no address or email."""
    return hmac.new(secret.encode(), f"{bucket}\0{value}".encode(), hashlib.sha256).hexdigest()


def network_of(remote_addr: str | None) -> str:
    """The address a client is counted under: IPv4 as is, IPv6 by its /64."""
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return remote_addr or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def account_of(email: str) -> str:
    """The spelling of an email the per-account limit counts under."""
    from eventsapp.accounts.services import normalise_email

    try:
        return normalise_email(email)
    except DomainError:
        return (email or "").strip().lower()


# --- The known-device cookie --------------------------------------------------


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="known-device")


def device_account_key(secret: str, account: str) -> str:
    return keyed(secret, "device-account", account)[:32]


def known_device(secret: str, cookie: str | None) -> dict | None:
    """A browser's signed device record, or None if absent, forged or too old."""
    if not cookie:
        return None
    try:
        found = _serializer(secret).loads(cookie, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not (isinstance(found, dict) and isinstance(found.get("d"), str) and isinstance(found.get("a"), list)):
        return None
    return found


def device_known_for(cookie: str | None, email: str) -> bool:
    """Whether the browser that sent `cookie` has signed in to `email`'s account before."""
    secret = current_app.config["SECRET_KEY"]
    device = known_device(secret, cookie)
    return device is not None and device_account_key(secret, account_of(email)) in device["a"]


def device_cookie_after_login(cookie: str | None, email: str) -> str:
    """The DEVICE_COOKIE value that marks a browser (which sent `cookie`) as
    one the owner of `email` uses, after a successful login."""
    secret = current_app.config["SECRET_KEY"]
    device = known_device(secret, cookie) or {"d": secrets.token_urlsafe(16), "a": []}
    key = device_account_key(secret, account_of(email))
    accounts = [key] + [k for k in device["a"] if k != key][: DEVICE_ACCOUNTS_KEPT - 1]
    return _serializer(secret).dumps({"d": device["d"], "a": accounts})
