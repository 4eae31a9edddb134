"""Feed tokens: the credential calendar apps use instead of a login. Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_salt() -> str:
    """256 bits from the operating system's CSPRNG."""
    return secrets.token_hex(32)


def token_for(secret_key: str, salt: str) -> str:
    """The URL token: HMAC-SHA256 of the salt under the app's secret key,
    URL-safe, 256 bits. Rotating the salt makes a new token."""
    mac = hmac.new(secret_key.encode(), b"calendar-feed:" + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
