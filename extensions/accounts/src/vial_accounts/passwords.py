"""Setting a user's password, and ending every login made before.

A new password, whether changed by the user or set through a reset link,
comes with a new ``fs_uniquifier``. The session and the remember-me cookie
hold it (it is the user's ``get_id()``) and vial-tokens' tokens carry it,
so every session, remember-me cookie and API token of the user made before
stops working at once, in every worker process: whoever took over the
account loses it with the old password. The session of the user who
changed their password is logged in again with the new id, so it goes on.

:func:`reset_access` renews the uniquifier alone, for ``vial users
reset-access``: every login of the user ends, the password stays.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app
from vial.ext import get_request_user
from vial_login import current_user
from vial_login import login_remembered
from vial_login import login_user
from vial_passwords import hash_password

from .mail import send
from .signals import access_reset
from .signals import password_changed
from .state import get_datastore


def set_password(user: t.Any, password: str) -> None:
    """Store the hash of ``password`` for ``user``, with a new uniquifier; commit.

    Check the password first with vial-passwords' ``validate_password``.

    :raises ValueError: vial-passwords cannot hash it (too long).
    """
    datastore = get_datastore()
    user.password = hash_password(password)
    datastore.set_uniquifier(user)
    datastore.put(user)
    datastore.commit()


def session_belongs_to(user: t.Any) -> bool:
    """Return whether the current request's session is logged in as ``user``.

    ``False`` for requests authenticated by an API token or HTTP basic auth,
    which have no session to keep. Ask before the uniquifier changes: the
    session still holds the old one.
    """
    if get_request_user() is not None or not current_user.is_authenticated:
        return False
    return bool(current_user.get_id() == user.get_id())


def change_password(user: t.Any, password: str) -> None:
    """Change ``user``'s password, keep the current session, and tell the user.

    Every other session, remember-me cookie and API token of the user stops
    working. Sends :data:`~vial_accounts.signals.password_changed`, and the
    "password changed" e-mail when ``ACCOUNTS_SEND_PASSWORD_CHANGED_EMAIL``
    is on.
    """
    keep_session = session_belongs_to(user)
    set_password(user, password)
    if keep_session:
        # The session held the old id: log it in again with the new one,
        # renewing a remember-me cookie it had. Other sessions still hold
        # the old id, and end.
        login_user(user, remember=login_remembered())
    password_changed.send(get_app(), user=user)
    send_password_changed_notice(user)


def send_password_changed_notice(user: t.Any) -> None:
    """E-mail ``user`` that their password changed, if the app wants it."""
    if not get_app().config["ACCOUNTS_SEND_PASSWORD_CHANGED_EMAIL"]:
        return
    send("password_changed", "ACCOUNTS_EMAIL_SUBJECT_PASSWORD_CHANGED", user)


def reset_access(user: t.Any) -> None:
    """Give ``user`` a new uniquifier and commit: every login and token ends.

    Sends :data:`~vial_accounts.signals.access_reset`.
    """
    datastore = get_datastore()
    datastore.set_uniquifier(user)
    datastore.commit()
    access_reset.send(get_app(), user=user)
