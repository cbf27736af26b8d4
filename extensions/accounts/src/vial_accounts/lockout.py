"""Brute-force protection: the login lockout and the rate limits of the forms.

**Logins.** Failed logins are counted per account (the e-mail address
given, whether or not it has an account, so a lockout tells nothing about
which exist) and per client address (:func:`~vial_accounts.addresses.
client_key`), over ``ACCOUNTS_LOCKOUT_WINDOW``:

- from the second failure of an account on, the next attempt is refused
  until ``ACCOUNTS_LOCKOUT_DELAY`` after the last failure, a delay that
  doubles with each further failure;
- at ``ACCOUNTS_LOCKOUT_THRESHOLD`` failures of an account, or
  ``ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD`` from one address, logins are
  refused until the window ends.

A refused attempt is answered with 429 and ``Retry-After`` before the
password is even checked (a right password does not get through a lockout),
and is not counted, so an attacker cannot keep an account locked beyond the
window by hammering it. A successful login clears the account's counter;
the address counter stays, or an attacker with one account could clear it
between guesses at others. A password reset clears the account's counter.

Guessing one password for many accounts from one address meets the address
limit; guessing one account's password from many addresses meets the
account limit. The price of the account limit is that anyone can lock an
account for one window: the lockout is temporary, and a password reset
ends it.

**Forms that send e-mail** (registration, password reset and confirmation
requests) are limited per e-mail address and per client address, each form
counted apart (``ACCOUNTS_RATE_LIMIT_*``), so they cannot be used to flood
a mailbox or to probe addresses in bulk.
"""

from __future__ import annotations

import math
import time
import typing as t

from werkzeug.exceptions import TooManyRequests

from vial.ext import get_app
from vial.ext import get_request
from vial.ext import NegotiatedHTTPException

from .addresses import client_key
from .addresses import email_key
from .config import read_seconds
from .counters import seconds_left
from .signals import account_locked
from .signals import login_failed
from .state import get_state

if t.TYPE_CHECKING:
    from vial import Vial


class TooManyAttempts(NegotiatedHTTPException, TooManyRequests):
    """A 429 error with ``Retry-After``: a lockout, a login delay or a rate limit.

    JSON clients get ``{"code": 429, "name": "Too Many Requests", "error":
    ..., "retry_after": <seconds>}`` outside the accounts views; the
    accounts views answer with their own page or JSON body.

    :param description: what the user should do, for the user.
    :param retry_after: seconds until a new attempt can succeed.
    """

    def __init__(self, description: str, retry_after: int) -> None:
        super().__init__(
            description,
            headers={"Retry-After": str(retry_after)},
            json_extra={"retry_after": retry_after},
        )
        #: Seconds until a new attempt can succeed.
        self.retry_after = retry_after


def _wait_text(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def _keys(email: str | None) -> tuple[str | None, str]:
    account = None if email is None else f"login:account:{email_key(email)}"
    address = f"login:address:{client_key(get_request().remote_addr)}"
    return account, address


def growing_delay(app: Vial, failures: int) -> float:
    """Return the seconds an account waits after ``failures`` failed logins."""
    base = read_seconds(app, "ACCOUNTS_LOCKOUT_DELAY")
    if failures < 2 or not base:
        return 0.0
    return float(base * 2 ** (failures - 2))


def check_login_allowed(email: str | None) -> None:
    """Refuse a login attempt for ``email`` from this client if it must wait.

    :raises TooManyAttempts: the account or the client address is locked
        out, or the account's delay since its last failure has not passed.
    """
    app = get_app()
    config = app.config
    counters = get_state(app).counters
    window = read_seconds(app, "ACCOUNTS_LOCKOUT_WINDOW")
    now = time.time()
    account_key, address_key = _keys(email)
    address = counters.peek(address_key, now, window)
    if (
        address is not None
        and address.hits >= config["ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD"]
    ):
        wait = seconds_left(address, now, window)
        raise TooManyAttempts(
            "Too many failed logins from your network. Try again in"
            f" {_wait_text(wait)}.",
            wait,
        )
    account = None if account_key is None else counters.peek(account_key, now, window)
    if account is None:
        return
    if account.hits >= config["ACCOUNTS_LOCKOUT_THRESHOLD"]:
        wait = seconds_left(account, now, window)
        raise TooManyAttempts(
            "Too many failed logins for this account. Try again in"
            f" {_wait_text(wait)}, or reset your password.",
            wait,
        )
    resume_at = account.last_at + growing_delay(app, account.hits)
    if now < resume_at:
        wait = max(1, math.ceil(resume_at - now))
        raise TooManyAttempts(
            f"Too many failed logins. Wait {_wait_text(wait)} before trying again.",
            wait,
        )


def record_login_failure(email: str | None, user: t.Any, mechanism: str) -> None:
    """Count a failed login for ``email`` and the client; send the signals.

    Sends :data:`~vial_accounts.signals.login_failed`, and
    :data:`~vial_accounts.signals.account_locked` when this failure reached
    a threshold.
    """
    app = get_app()
    config = app.config
    counters = get_state(app).counters
    window = read_seconds(app, "ACCOUNTS_LOCKOUT_WINDOW")
    now = time.time()
    remote_addr = get_request().remote_addr
    account_key, address_key = _keys(email)
    scopes: list[tuple[str, str, str, str | None]] = [
        ("address", address_key, "ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD", None)
    ]
    if account_key is not None:
        scopes.append(("account", account_key, "ACCOUNTS_LOCKOUT_THRESHOLD", email))
    for scope, key, threshold, locked_email in scopes:
        count = counters.hit(key, now, window)
        # Sent once, by the failure that reaches the threshold.
        if count.hits == config[threshold]:
            account_locked.send(
                app,
                scope=scope,
                email=locked_email,
                address=remote_addr,
                retry_after=seconds_left(count, now, window),
            )
    login_failed.send(
        app, email=email, user=user, address=remote_addr, mechanism=mechanism
    )


def clear_login_failures(email: str) -> None:
    """Forget the failed logins of the account ``email`` (not of the client)."""
    account_key, _ = _keys(email)
    if account_key is not None:
        get_state().counters.reset(account_key)


def check_rate_limit(action: str, email: str | None) -> None:
    """Count a request of the form ``action`` about ``email``; refuse it past
    the limits.

    :param action: the form, such as ``"reset"``; each is counted apart.
    :param email: the normalised address the request is about, if valid.
    :raises TooManyAttempts: the client address or the e-mail address made
        too many such requests within ``ACCOUNTS_RATE_LIMIT_WINDOW``.
    """
    app = get_app()
    config = app.config
    counters = get_state(app).counters
    window = read_seconds(app, "ACCOUNTS_RATE_LIMIT_WINDOW")
    now = time.time()
    limits = [
        (
            f"{action}:address:{client_key(get_request().remote_addr)}",
            config["ACCOUNTS_RATE_LIMIT_PER_ADDRESS"],
        )
    ]
    if email is not None:
        limits.append(
            (
                f"{action}:email:{email_key(email)}",
                config["ACCOUNTS_RATE_LIMIT_PER_EMAIL"],
            )
        )
    for key, limit in limits:
        count = counters.hit(key, now, window)
        if count.hits > limit:
            wait = seconds_left(count, now, window)
            raise TooManyAttempts(
                f"Too many requests. Try again in {_wait_text(wait)}.", wait
            )
