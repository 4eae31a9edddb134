"""A real OpenID provider for the sign-in tests: node-oidc-provider
(tests/oidc/provider.mjs, installed by `make oidc-provider` from its lock
file), started on a free port and stopped at the end. Without node or the
package the tests are skipped, or fail with REQUIRE_BROWSER=1 (as CI sets)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

import pytest

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "mentor-rounds", "a-test-only-client-secret"
#: The people the provider knows; `sub` is what its login form takes.
USERS = [
    {"sub": "nadia", "email": "nadia.rahman@hospital.example", "email_verified": True, "name": "Nadia Rahman"},
    {"sub": "priya", "email": "priya.nair@hospital.example", "email_verified": True, "name": "Priya Nair"},
    {"sub": "omar", "email": "omar.haddad@hospital.example", "email_verified": True, "name": "Omar Haddad"},
    {"sub": "unverified", "email": "omar.haddad@hospital.example", "email_verified": False, "name": "Omar Haddad"},
]
_FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"[^>]*method="post"', re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_provider() -> None:
    """Skip (or fail, with REQUIRE_BROWSER=1) when the provider cannot run here."""
    reason = None
    if shutil.which("node") is None:
        reason = "node is not installed (apt-get install nodejs npm); the OpenID sign-in tests need it"
    elif not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        reason = "oidc-provider is not installed: run `make oidc-provider` (npm ci in tests/oidc)"
    if reason is None:
        return
    if os.environ.get("REQUIRE_BROWSER", "") not in ("", "0"):
        pytest.fail(f"REQUIRE_BROWSER is set, but {reason}", pytrace=False)
    pytest.skip(reason)


class Provider:
    """One provider process. `issuer` is what it names itself in its
    discovery document and tokens; `url` is where it answers."""

    def __init__(self, redirect_uri: str, *, port: int | None = None, issuer: str | None = None, **env):
        require_provider()
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.issuer = issuer or self.url
        settings = {
            "PORT": str(self.port),
            "ISSUER": self.issuer,
            "CLIENT_ID": CLIENT_ID,
            "CLIENT_SECRET": CLIENT_SECRET,
            "REDIRECT_URI": redirect_uri,
            "OIDC_USERS": json.dumps(USERS),
            **env,
        }
        # Its messages go to a file: a pipe nobody reads could fill and stall it.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  # closed by stop()
        self.process = subprocess.Popen(
            ["node", "provider.mjs"],
            cwd=OIDC_DIR,
            env={**os.environ, **settings},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        try:
            self._wait_until_it_answers()
        except BaseException:
            self.stop()
            raise

    def _wait_until_it_answers(self) -> None:
        """Poll the discovery document until it answers (or the process dies)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"the OpenID provider exited: {self.log.read()}")
            try:
                with urllib.request.urlopen(self.url + "/.well-known/openid-configuration", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the OpenID provider did not answer within 30 seconds")

    def settings(self, issuer: str | None = None) -> dict:
        """The app's settings for signing in here (OIDC_ISSUER may differ, to test a mismatch)."""
        return {
            "OIDC_ISSUER": issuer or self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_PROVIDER_NAME": "Riverside Hospital account",
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def through_provider(browser, url: str, login: str, *, back_to: str) -> str:
    """A person at the provider: follow its redirects from `url`, sign in
    on its login form as `login`, and return the address it sends the
    browser back to (the first one under `back_to`, the app)."""
    answer = browser.get(url, allow_redirects=False, timeout=10)
    for _ in range(20):
        if answer.is_redirect:
            url = urljoin(answer.url, answer.headers["Location"])
            if url.startswith(back_to):
                return url
            answer = browser.get(url, allow_redirects=False, timeout=10)
        elif answer.status_code == 200 and 'name="login"' in answer.text:
            action = urljoin(answer.url, _FORM_ACTION.search(answer.text).group(1))
            answer = browser.post(
                action, data={"prompt": "login", "login": login, "password": "any"}, allow_redirects=False, timeout=10
            )
        else:
            raise AssertionError(f"the provider answered {answer.status_code}: {answer.text[:500]}")
    raise AssertionError("the provider kept redirecting")
