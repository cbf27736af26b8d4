"""Registering users and confirming their e-mail addresses.

A new user gets the hash of their password and a random ``fs_uniquifier``.
With ``ACCOUNTS_CONFIRMABLE`` on, they are e-mailed a signed link to
``/confirm/<token>``; the token carries the user's uniquifier and a digest
of the address it was sent to, so it confirms that user and that address
only, and expires after ``ACCOUNTS_CONFIRM_WITHIN``.

Registering an address that has an account is refused by the datastore
(:class:`~vial_accounts.DuplicateEmailError`), also when two requests race:
the unique constraint decides, and exactly one user is created. With
``ACCOUNTS_RETURN_GENERIC_RESPONSES`` and confirmation on, the form answers
as if it had worked and the owner of the address is told by e-mail, so the
form does not tell who has an account.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

from vial.ext import get_app
from vial_passwords import hash_password

from .config import CONFIRM_SALT
from .links import external_url
from .links import LinkError
from .links import make_link
from .links import make_token
from .links import read_token
from .links import same_digest
from .mail import send
from .signals import confirm_instructions_sent
from .signals import user_confirmed
from .signals import user_registered
from .state import get_datastore


def register_user(email: str, password: str, **fields: t.Any) -> t.Any:
    """Create a user with the hash of ``password``, commit, and return it.

    Check the password first with vial-passwords' ``validate_password``.
    Sends :data:`~vial_accounts.signals.user_registered`, then, with
    ``ACCOUNTS_CONFIRMABLE`` on, e-mails the confirmation link (unless the
    fields give ``confirmed_at``).

    :param fields: more fields of the user (``active``, ``roles``...).
    :raises DuplicateEmailError: the address has an account already.
    :raises InvalidEmailError: ``email`` is not a valid address.
    """
    app = get_app()
    datastore = get_datastore(app)
    user = datastore.create_user(
        email=email, password=hash_password(password), **fields
    )
    datastore.commit()
    user_registered.send(app, user=user)
    if app.config["ACCOUNTS_CONFIRMABLE"] and user.confirmed_at is None:
        send_confirmation_instructions(user)
    return user


def confirmation_token(user: t.Any) -> str:
    """Return a signed token that confirms ``user``'s current address."""
    return make_token(CONFIRM_SALT, user, user.email)


def send_confirmation_instructions(user: t.Any) -> None:
    """E-mail ``user`` a link that confirms their address.

    Sends :data:`~vial_accounts.signals.confirm_instructions_sent`.
    """
    token, link = make_link(CONFIRM_SALT, user, user.email, "accounts.confirm_email")
    send("confirm", "ACCOUNTS_EMAIL_SUBJECT_CONFIRM", user, confirm_link=link)
    confirm_instructions_sent.send(get_app(), user=user, token=token)


def send_already_registered_notice(user: t.Any) -> None:
    """E-mail ``user`` that someone tried to register their address again.

    The registration form answers that attempt as if it had worked (generic
    responses), so the owner learns of it here, with the way to log in or
    reset the password.
    """
    config = get_app().config
    context: dict[str, t.Any] = {"login_link": external_url("accounts.login")}
    if config["ACCOUNTS_RECOVERABLE"]:
        context["reset_link"] = external_url("accounts.forgot_password")
    send(
        "already_registered",
        "ACCOUNTS_EMAIL_SUBJECT_ALREADY_REGISTERED",
        user,
        **context,
    )


def user_for_confirmation_token(token: str) -> t.Any:
    """Return the user a confirmation token confirms.

    :raises LinkError: the token is forged, of another kind, expired, or
        names a user that is gone or whose address changed.
    """
    uniquifier, address_digest = read_token(
        CONFIRM_SALT, token, "ACCOUNTS_CONFIRM_WITHIN"
    )
    user = get_datastore().find_user(fs_uniquifier=uniquifier)
    if user is None or not same_digest(address_digest, user.email):
        raise LinkError("This link is not valid.")
    return user


def confirm_user(user: t.Any) -> bool:
    """Mark ``user``'s address confirmed and commit; ``False`` if it was.

    Sends :data:`~vial_accounts.signals.user_confirmed` when it was not.
    """
    if user.confirmed_at is not None:
        return False
    datastore = get_datastore()
    user.confirmed_at = datetime.now(timezone.utc)
    datastore.put(user)
    datastore.commit()
    user_confirmed.send(get_app(), user=user)
    return True
