"""Forgotten passwords: the reset link and the new password.

The link leads to ``/reset/<token>``. Its token carries the user's
``fs_uniquifier`` and a digest of the password hash it was made for, and
expires after ``ACCOUNTS_RESET_PASSWORD_WITHIN``. Setting a new password
changes both, so the link works once, and every other link sent before
dies with it. Opening the link shows the form and changes nothing (mail
scanners open links); only submitting the form resets.

A reset also ends every session, remember-me cookie and API token of the
user (a new uniquifier), clears the account's failed logins (so a reset
ends a lockout), confirms the address if it was not (the link proved the
user reads it), and e-mails a notice of the change. The user then logs in
with the new password.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app

from .config import RESET_SALT
from .links import LinkError
from .links import make_link
from .links import make_token
from .links import read_token
from .links import same_digest
from .lockout import clear_login_failures
from .mail import send
from .passwords import send_password_changed_notice
from .passwords import set_password
from .registration import confirm_user
from .signals import password_reset
from .signals import reset_password_instructions_sent
from .state import get_datastore


def reset_token(user: t.Any) -> str:
    """Return a signed token that resets ``user``'s current password."""
    return make_token(RESET_SALT, user, user.password)


def send_reset_password_instructions(user: t.Any) -> None:
    """E-mail ``user`` a link that lets them set a new password.

    Sends :data:`~vial_accounts.signals.reset_password_instructions_sent`.
    """
    token, link = make_link(RESET_SALT, user, user.password, "accounts.reset_password")
    send("reset", "ACCOUNTS_EMAIL_SUBJECT_RESET", user, reset_link=link)
    reset_password_instructions_sent.send(get_app(), user=user, token=token)


def user_for_reset_token(token: str) -> t.Any:
    """Return the user a reset token lets set a new password.

    :raises LinkError: the token is forged, of another kind, expired, used
        already (the password changed since), or names a user that is gone
        or deactivated.
    """
    uniquifier, password_digest = read_token(
        RESET_SALT, token, "ACCOUNTS_RESET_PASSWORD_WITHIN"
    )
    user = get_datastore().find_user(fs_uniquifier=uniquifier)
    if user is None or not same_digest(password_digest, user.password):
        raise LinkError("This link has been used already, or is not valid.")
    if not user.active:
        raise LinkError("This account is disabled.")
    return user


def reset_password(user: t.Any, password: str) -> None:
    """Set ``user``'s new password from a reset link; see the module's notes.

    Sends :data:`~vial_accounts.signals.password_reset`.
    """
    # Counters commit on a connection of their own: before the user's row.
    clear_login_failures(user.email)
    set_password(user, password)
    if get_app().config["ACCOUNTS_CONFIRMABLE"]:
        confirm_user(user)
    password_reset.send(get_app(), user=user)
    send_password_changed_notice(user)
