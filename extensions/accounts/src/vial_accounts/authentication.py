"""Checking an e-mail address and password, and logging the user in.

:func:`authenticate` is the one place a password is checked, for the login
form, the JSON login and HTTP basic authentication alike:

1. the lockout may refuse the attempt before anything is checked
   (:func:`~vial_accounts.lockout.check_login_allowed`);
2. the password is verified with vial-passwords' ``verify_and_update``,
   which, for an address without an account, does the same work on no hash,
   so the time taken does not tell whether the account exists;
3. a failure is counted and answered with one message for an unknown
   address and a wrong password alike;
4. a success clears the account's failures and stores an upgraded hash when
   the stored one used an older scheme or cost;
5. only then are deactivated and unconfirmed accounts refused: telling that
   an account is disabled is fine for someone who knows its password.

:func:`login_account` then logs the user into the session through
vial-login (which renews the session's secrets, vial-wtf's CSRF secret
among them) and records the login when ``ACCOUNTS_TRACKABLE`` is on.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

from vial.ext import get_app
from vial.ext import get_request
from vial_login import login_user
from vial_passwords import verify_and_update

from .addresses import normalize_email
from .lockout import check_login_allowed
from .lockout import clear_login_failures
from .lockout import record_login_failure
from .state import get_datastore

#: The answer to a wrong password and to an unknown address alike.
BAD_CREDENTIALS = "The e-mail address or the password is wrong."

#: The answer to the right password of a deactivated account.
DISABLED = "This account is disabled."

#: The answer to the right password of an account not confirmed yet.
UNCONFIRMED = (
    "Confirm your e-mail address before you log in: follow the link we sent"
    " you, or ask for a new one."
)


class LoginRefused(Exception):
    """A login was refused; the message is a sentence for the user.

    :param message: what went wrong, for the user.
    :param field: the form field the message belongs to, or ``None`` for the
        whole form.
    :param reason: ``"credentials"``, ``"email"``, ``"disabled"`` or
        ``"unconfirmed"``.
    """

    def __init__(self, message: str, *, field: str | None, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.reason = reason


def authenticate(email: str, password: str, *, mechanism: str = "form") -> t.Any:
    """Return the user with this e-mail address and password, ready to log in.

    :param email: the address as typed; it is normalised here.
    :param mechanism: ``"form"`` or ``"basic"``, for the
        :data:`~vial_accounts.signals.login_failed` signal.
    :raises LoginRefused: the address is not valid, the credentials are
        wrong, or the account may not log in.
    :raises TooManyAttempts: the lockout refuses the attempt.
    """
    try:
        address = normalize_email(email)
    except ValueError as e:
        raise LoginRefused(str(e), field="email", reason="email") from None
    check_login_allowed(address)
    app = get_app()
    datastore = get_datastore(app)
    user = datastore.find_user(email=address)
    stored = user.password if user is not None else None
    ok, new_hash = verify_and_update(password, stored)
    if user is None or not ok:
        record_login_failure(address, user, mechanism)
        raise LoginRefused(BAD_CREDENTIALS, field=None, reason="credentials")
    # Counters first: they commit on a connection of their own.
    clear_login_failures(address)
    if new_hash is not None:
        user.password = new_hash
        datastore.put(user)
        datastore.commit()
    if not user.active:
        raise LoginRefused(DISABLED, field=None, reason="disabled")
    config = app.config
    if (
        config["ACCOUNTS_CONFIRMABLE"]
        and user.confirmed_at is None
        and not config["ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION"]
    ):
        raise LoginRefused(UNCONFIRMED, field=None, reason="unconfirmed")
    return user


def login_account(user: t.Any, *, remember: bool = False) -> None:
    """Log ``user`` into the session, and record the login if tracking is on.

    :raises RuntimeError: vial-login refused the login (the user is not
        active).
    """
    if not login_user(user, remember=remember):
        raise RuntimeError(
            f"vial-login refused to log in {user!r}, whose is_active is false;"
            " check the user with authenticate() first."
        )
    track_login(user)


def track_login(user: t.Any) -> None:
    """Record this login on ``user`` when ``ACCOUNTS_TRACKABLE`` is on; commit.

    The client address is ``request.remote_addr``, as the app's proxy setup
    (werkzeug's ``ProxyFix``) makes it; a forwarding header is never read
    here, since any client can send one.
    """
    app = get_app()
    if not app.config["ACCOUNTS_TRACKABLE"]:
        return
    now = datetime.now(timezone.utc)
    address = get_request().remote_addr
    user.last_login_at = user.current_login_at or now
    user.current_login_at = now
    user.last_login_ip = user.current_login_ip or address
    user.current_login_ip = address
    user.login_count = (user.login_count or 0) + 1
    datastore = get_datastore(app)
    datastore.put(user)
    datastore.commit()
