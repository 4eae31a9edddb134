"""Mail about an account itself, answering accounts/signals.py: the link that
confirms a new address, a word to an address's owner when someone tried
to register it again, and the link to choose a new password. Queued in the sender's transaction; sent whatever the
member's mail preferences (they are about the account, not news), and with
no unsubscribe link."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.signals import confirmation_needed, password_reset_asked, registration_repeated
from eventsapp.accounts.verification import AccountLinks
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.ssoconfig import sso_enabled


class Kind:
    CONFIRM = "account_confirm"
    REGISTERED_AGAIN = "account_registered_again"
    RESET_LINK = "account_password_reset"


@confirmation_needed.connect
def mail_confirm_link(session: Session, *, user: User, url: str, **_) -> None:
    app_name = current_app.config["APP_NAME"]
    hours = current_app.config["EMAIL_CONFIRM_HOURS"]
    body = (
        f"Hello {user.name},\n\n"
        f"To confirm that {user.email} is your address on {app_name}, open this link, "
        f'enter the password you chose and press "Confirm my address":\n\n{url}\n\n'
        f"The link works for {hours:g} hours. Once your address is confirmed you can ask colleagues "
        "for introductions and see the addresses of those you are connected with.\n\n"
        "If you did not create this account, ignore this mail: without its password nobody can confirm it."
    )
    queue_mail(
        session,
        OutgoingMail(to=user.email, subject=f"Confirm your email address for {app_name}", body=body),
        kind=Kind.CONFIRM,
        user_id=user.id,
    )


def _how_to_get_in(way_in: str, links: AccountLinks | None, config) -> str:
    """What the owner should do next, for the way their account opens: a
    password, the hospital sign-in, or a roster's invitation not yet used."""
    if way_in == "password":
        return f"Log in: {links.login}\nChange your password once logged in: {links.change_password}"
    if way_in == "hospital":
        if sso_enabled(config):
            return f"Your account has no password: sign in with your hospital account at {links.login}"
        return "Your account has no password: it was made by the hospital sign-in. Ask your coordinator how to get in."
    return (
        "You were invited to join: follow the link in your invitation mail, "
        "or ask your coordinator to send it again if you cannot find it."
    )


@registration_repeated.connect
def mail_owner_of_address(session: Session, *, user: User, links: AccountLinks, way_in: str = "password", **_) -> None:
    app_name = current_app.config["APP_NAME"]
    body = (
        f"Hello {user.name},\n\n"
        f"Someone, perhaps you, tried to create a {app_name} account with {user.email}. "
        "You already have an account with this address, so no new one was made.\n\n"
        f"{_how_to_get_in(way_in, links, current_app.config)}\n\n"
        "If it was not you, you need do nothing: your account is unchanged."
    )
    queue_mail(
        session,
        OutgoingMail(to=user.email, subject=f"You already have a {app_name} account", body=body),
        kind=Kind.REGISTERED_AGAIN,
        user_id=user.id,
    )


@password_reset_asked.connect
def mail_reset_link(
    session: Session, *, user: User, url: str | None, way_in: str = "invitation", login: str = "", **_
) -> None:
    app_name = current_app.config["APP_NAME"]
    if url is None:  # no password to reset: the invitation, or the hospital sign-in, is the way in
        what_to_do = _how_to_get_in(way_in, AccountLinks(login=login), current_app.config)
    else:
        hours = current_app.config["PASSWORD_RESET_HOURS"]
        what_to_do = (
            f"To choose a new password, open this link:\n\n{url}\n\n"
            f"The link works for {hours:g} hours, and once: choosing the password ends it. "
            "You will be logged out on every other device."
        )
    body = (
        f"Hello {user.name},\n\n"
        f"Someone, perhaps you, asked for a new password for the {app_name} account of {user.email}.\n\n"
        f"{what_to_do}\n\n"
        "If it was not you, ignore this mail: your password stays as it is."
    )
    queue_mail(
        session,
        OutgoingMail(to=user.email, subject=f"Choose a new password for {app_name}", body=body),
        kind=Kind.RESET_LINK,
        user_id=user.id,
    )
