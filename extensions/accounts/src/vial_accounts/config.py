"""The configuration keys of vial-accounts, their defaults and documentation.

This module is the one place where vial-accounts sets its defaults: each
:class:`~vial.ext.ConfigOption` carries the key, the default and the
sentences that document it. ``init_app`` applies them with
``OPTIONS.apply(app)``; the README and docs tables are rendered from
``OPTIONS``.

Every feature beyond logging in and out is off until the app switches it on
(``ACCOUNTS_REGISTERABLE``, ``ACCOUNTS_CONFIRMABLE``, ...). What protects
accounts is on by default: generic answers that do not tell whether an
address is registered, the login lockout and the rate limits.
"""

from __future__ import annotations

import typing as t
from datetime import timedelta

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

if t.TYPE_CHECKING:
    from vial import Vial

#: The salt of signed e-mail confirmation links.
CONFIRM_SALT = "vial-accounts.confirm-email"

#: The salt of signed password reset links.
RESET_SALT = "vial-accounts.reset-password"

#: The feature switches, and the views each one adds to the blueprint.
FEATURES = (
    "ACCOUNTS_REGISTERABLE",
    "ACCOUNTS_CONFIRMABLE",
    "ACCOUNTS_RECOVERABLE",
    "ACCOUNTS_CHANGEABLE",
    "ACCOUNTS_TRACKABLE",
)

#: The keys holding durations: a ``timedelta`` or a number of seconds.
DURATIONS = (
    "ACCOUNTS_CONFIRM_WITHIN",
    "ACCOUNTS_RESET_PASSWORD_WITHIN",
    "ACCOUNTS_LOCKOUT_WINDOW",
    "ACCOUNTS_LOCKOUT_DELAY",
    "ACCOUNTS_RATE_LIMIT_WINDOW",
)

#: The keys holding counts, whole numbers of at least 1.
COUNTS = (
    "ACCOUNTS_LOCKOUT_THRESHOLD",
    "ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD",
    "ACCOUNTS_RATE_LIMIT_PER_EMAIL",
    "ACCOUNTS_RATE_LIMIT_PER_ADDRESS",
)

OPTIONS = ConfigOptions(
    ConfigOption(
        "ACCOUNTS_URL_PREFIX",
        None,
        "Prefix of every URL of the accounts blueprint, such as ``/account``;"
        " None serves ``/login``, ``/register``... at the root.",
    ),
    ConfigOption(
        "ACCOUNTS_BASE_URL",
        None,
        "Scheme, host and path of the app as e-mailed links should start,"
        ' such as ``"https://example.com"``. When None, links are built with'
        " ``url_for(..., _external=True)`` from ``SERVER_NAME``; one of the two"
        " must be set for confirmation and reset links, which are never built"
        " from the request's Host header.",
    ),
    ConfigOption(
        "ACCOUNTS_REGISTERABLE",
        False,
        "Serve the registration form at ``/register``.",
    ),
    ConfigOption(
        "ACCOUNTS_CONFIRMABLE",
        False,
        "Ask new users to confirm their e-mail address through a signed link,"
        " and serve ``/confirm`` (send the link again) and ``/confirm/<token>``."
        " Users who have not confirmed cannot log in, unless"
        " ``ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION`` is set.",
    ),
    ConfigOption(
        "ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION",
        False,
        "Let users log in before they confirmed their e-mail address (and log"
        " them in right after registering).",
    ),
    ConfigOption(
        "ACCOUNTS_CONFIRM_WITHIN",
        timedelta(days=5),
        "How long a confirmation link works, a timedelta or seconds.",
    ),
    ConfigOption(
        "ACCOUNTS_RECOVERABLE",
        False,
        "Serve the forgotten-password form at ``/reset`` and the reset form at"
        " ``/reset/<token>``, reached through an e-mailed link that works once.",
    ),
    ConfigOption(
        "ACCOUNTS_RESET_PASSWORD_WITHIN",
        timedelta(hours=1),
        "How long a password reset link works, a timedelta or seconds. A link"
        " also stops working as soon as the password changes, so it works once.",
    ),
    ConfigOption(
        "ACCOUNTS_CHANGEABLE",
        False,
        "Serve the change-password form at ``/change``. A change ends every"
        " other session, remember-me cookie and API token of the user.",
    ),
    ConfigOption(
        "ACCOUNTS_SEND_PASSWORD_CHANGED_EMAIL",
        True,
        "E-mail the user when their password was changed or reset, so an"
        " unexpected change does not go unnoticed.",
    ),
    ConfigOption(
        "ACCOUNTS_TRACKABLE",
        False,
        "Record each login's time and client address, and count logins, on the"
        " user (``last_login_at``, ``current_login_at``, ``last_login_ip``,"
        " ``current_login_ip``, ``login_count``). The address is"
        " ``request.remote_addr``: behind a proxy, set it with werkzeug's"
        " ``ProxyFix``; a raw ``X-Forwarded-For`` header is never read.",
    ),
    ConfigOption(
        "ACCOUNTS_RETURN_GENERIC_RESPONSES",
        True,
        "Answer the forgotten-password, confirmation and registration forms"
        " the same way whether or not an address is registered, so they do not"
        " tell who has an account. Set it to False for answers that say so.",
    ),
    ConfigOption(
        "ACCOUNTS_LOCKOUT_THRESHOLD",
        5,
        "Failed logins for one account, within ``ACCOUNTS_LOCKOUT_WINDOW``,"
        " after which the account's logins are refused with 429 until the"
        " window ends. Unknown addresses are counted alike, so a lockout does"
        " not tell whether an account exists.",
    ),
    ConfigOption(
        "ACCOUNTS_LOCKOUT_ADDRESS_THRESHOLD",
        25,
        "Failed logins from one client address (an IPv6 /64 network), within"
        " ``ACCOUNTS_LOCKOUT_WINDOW``, after which logins from it are refused"
        " with 429 until the window ends.",
    ),
    ConfigOption(
        "ACCOUNTS_LOCKOUT_WINDOW",
        timedelta(minutes=15),
        "The period over which failed logins are counted, a timedelta or"
        " seconds; it starts at the first failure.",
    ),
    ConfigOption(
        "ACCOUNTS_LOCKOUT_DELAY",
        timedelta(seconds=1),
        "The growing delay before the lockout: after the second failed login"
        " of an account, the next attempt is refused with 429 until this long"
        " after the last failure, twice as long after each further failure."
        " 0 turns the delay off.",
    ),
    ConfigOption(
        "ACCOUNTS_LOCKOUT_REDIS_URL",
        None,
        "A Redis URL (``redis://host:6379/0``) to keep the lockout and"
        " rate-limit counters in, instead of the database through the"
        " datastore. Needs the ``vial-accounts[redis]`` extra. While it"
        " cannot be reached, requests that need a counter get a 503 with"
        " ``Retry-After``.",
    ),
    ConfigOption(
        "ACCOUNTS_RATE_LIMIT_PER_EMAIL",
        3,
        "Registrations, password reset requests and confirmation requests"
        " allowed for one e-mail address (each form counted apart) within"
        " ``ACCOUNTS_RATE_LIMIT_WINDOW``; more are refused with 429, so the"
        " forms cannot flood a mailbox.",
    ),
    ConfigOption(
        "ACCOUNTS_RATE_LIMIT_PER_ADDRESS",
        10,
        "Registrations, password reset requests and confirmation requests"
        " allowed from one client address (each form counted apart) within"
        " ``ACCOUNTS_RATE_LIMIT_WINDOW``.",
    ),
    ConfigOption(
        "ACCOUNTS_RATE_LIMIT_WINDOW",
        timedelta(hours=1),
        "The period of the rate limits, a timedelta or seconds.",
    ),
    ConfigOption(
        "ACCOUNTS_POST_LOGIN_VIEW",
        "/",
        "Where a browser goes after logging in (or registering, when that"
        " logs in) without a safe ``next`` parameter: an endpoint or a path.",
    ),
    ConfigOption(
        "ACCOUNTS_POST_LOGOUT_VIEW",
        "/",
        "Where a browser goes after logging out: an endpoint or a path.",
    ),
    ConfigOption(
        "ACCOUNTS_EMAIL_SENDER",
        None,
        "Sender of the account e-mails; None uses ``MAIL_DEFAULT_SENDER``.",
    ),
    ConfigOption(
        "ACCOUNTS_EMAIL_SUBJECT_CONFIRM",
        "Confirm your e-mail address",
        "Subject of the e-mail with the confirmation link.",
    ),
    ConfigOption(
        "ACCOUNTS_EMAIL_SUBJECT_RESET",
        "Reset your password",
        "Subject of the e-mail with the password reset link.",
    ),
    ConfigOption(
        "ACCOUNTS_EMAIL_SUBJECT_PASSWORD_CHANGED",
        "Your password was changed",
        "Subject of the e-mail telling that the password was changed or reset.",
    ),
    ConfigOption(
        "ACCOUNTS_EMAIL_SUBJECT_ALREADY_REGISTERED",
        "You already have an account",
        "Subject of the e-mail sent to a registered address that someone tried"
        " to register again, when ``ACCOUNTS_RETURN_GENERIC_RESPONSES`` hides"
        " that it is taken.",
    ),
)


def read_seconds(app: Vial, name: str) -> float:
    """Return the duration setting ``name`` of ``app`` in seconds.

    :raises ValueError: the value is neither a ``timedelta`` nor a number of
        seconds of 0 or more.
    """
    value = app.config[name]
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        raise ValueError(
            f"app.config[{name!r}] is {value!r}; set it to a timedelta or a"
            " number of seconds."
        )
    if seconds < 0:
        raise ValueError(
            f"app.config[{name!r}] is negative ({value!r}); set it to a duration"
            " of 0 or more."
        )
    return seconds


def check_config(app: Vial) -> None:
    """Refuse settings that would only fail at the first request.

    :raises ValueError: a duration or a count has an unusable value.
    :raises RuntimeError: e-mailed links are on, but neither
        ``ACCOUNTS_BASE_URL`` nor ``SERVER_NAME`` says where they lead; or
        e-mails are sent and no sender is set.
    """
    for name in DURATIONS:
        read_seconds(app, name)
    for name in COUNTS:
        value = app.config[name]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(
                f"app.config[{name!r}] is {value!r}; set it to a whole number of"
                " 1 or more."
            )
    config = app.config
    sends_links = config["ACCOUNTS_CONFIRMABLE"] or config["ACCOUNTS_RECOVERABLE"]
    sends_mail = sends_links or (
        config["ACCOUNTS_CHANGEABLE"] and config["ACCOUNTS_SEND_PASSWORD_CHANGED_EMAIL"]
    )
    if sends_mail and not (
        config["ACCOUNTS_EMAIL_SENDER"] or config.get("MAIL_DEFAULT_SENDER")
    ):
        raise RuntimeError(
            "vial-accounts sends e-mail for the features switched on, and no"
            " sender is set. Set app.config['MAIL_DEFAULT_SENDER'] (or"
            " ACCOUNTS_EMAIL_SENDER), such as ('Example', 'noreply@example.com')."
        )
    if sends_links and not (config["ACCOUNTS_BASE_URL"] or config["SERVER_NAME"]):
        raise RuntimeError(
            "vial-accounts e-mails confirmation and reset links, and builds them"
            " from the app's own address, never from the Host header a client"
            " sends. Set app.config['ACCOUNTS_BASE_URL'] (such as"
            " 'https://example.com') or app.config['SERVER_NAME']."
        )
