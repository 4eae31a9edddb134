"""Password rules and hashing. Pure: no Flask, no database."""

from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 10
# The KDF's cost grows with input length; a cap keeps a huge "password"
# from tying up a worker.
MAX_LENGTH = 128
# scrypt with a 2^15 work factor: memory-hard, from the standard library.
HASH_METHOD = "scrypt:32768:8:1"

# The most used passwords that meet the length rule (from public breach lists).
COMMON_PASSWORDS = frozenset(
    """
1234567890 0123456789 1234567891 1111111111 0000000000 qwertyuiop
password1 password12 password123 password1234 passw0rd123 iloveyou123
qwerty1234 qwerty12345 1q2w3e4r5t 1qaz2wsx3edc zaq12wsxcde abcdefghij
abc1234567 a1b2c3d4e5 letmein123 welcome123 welcome1234 football123
baseball123 princess123 sunshine123 superman123 trustno1234 monkey1234
dragon1234 master1234 starwars123 computer123 whatever123 changeme123
doctor1234 medicine123 hospital123 nurse12345 residency1 internship
stethoscope password00 administrator adminadmin
""".split()
)


class PasswordRejected(ValueError):
    """The password breaks a rule; the message is for the user."""


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) < 4:
        raise PasswordRejected("This password is too easy to guess; choose another.")
    personal = {email.lower(), email.lower().split("@")[0], name.lower().replace(" ", "")}
    if lowered.replace(" ", "") in personal - {""}:
        raise PasswordRejected("Don't use your name or email address as your password.")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=HASH_METHOD)


#: Stands for the password of an account a roster invited, until its owner
#: chooses one (or signs in with the hospital account).
AWAITING_INVITATION = "!invited"


def is_hash(stored: str) -> bool:
    """A password's hash (werkzeug's method$salt$hash), not a marker such as
    "!sso" that stands for an account without a password."""
    return "$" in stored


def way_in(stored: str) -> str:
    """How the account's owner gets in, told to them in mail: "password",
    "hospital" (made by the hospital sign-in, marked "!sso") or "invitation"
    (invited by a roster and not joined yet, "!invited")."""
    if is_hash(stored):
        return "password"
    return "hospital" if stored == "!sso" else "invitation"


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches. An account without one (a marker such
    as "!sso" in place of a hash) costs a hash too, so that timing does not
    tell such accounts from others."""
    if len(password) > MAX_LENGTH:
        return False
    if not is_hash(password_hash):
        check_password_hash(DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


# Checked against when no account matches, so a failed login takes as long
# whether or not the email exists.
DUMMY_HASH = hash_password("no account has this password")
