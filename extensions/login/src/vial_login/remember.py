"""The remember-me cookie: signed, salted and expiring.

This is the format of the cookie vial-login sets and reads. The public
:func:`~vial_login.encode_cookie` and :func:`~vial_login.decode_cookie` are
Flask-Login's helpers, a bare HMAC of a value, kept for code that calls
them (see :mod:`vial_login.utils`); vial-login does not use them.

The cookie holds the user's id as ``get_id()`` returns it, the lifetime
chosen at login and, with a session registry, the login's registry id,
signed by :func:`vial.ext.get_serializer` with the app's
``SECRET_KEY`` (and accepted under any of ``SECRET_KEY_FALLBACKS``),
HMAC-SHA256 and a salt of its own, so no other signed value of the app can
pass for it. The signature
carries the time of signing and the cookie is refused once it is older than
its lifetime, whatever the browser does with the cookie's expiry date.

Without a session registry, a stolen cookie stays valid until it expires,
unless the id it carries stops loading a user: return an id from
``get_id()`` that changes when the password changes, and a password change
ends every remembered login. With the registry, the cookie is refused as
soon as its login is ended (logout, "log out everywhere", an admin), since
its registry id is checked like the session's.
"""

from __future__ import annotations

import hashlib
import typing as t
from datetime import datetime
from datetime import timedelta

from itsdangerous import BadSignature

from vial.ext import get_app
from vial.ext import get_serializer

from .config import COOKIE_DURATION

if t.TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer
    from werkzeug.wrappers import Response

    from vial import Vial

#: Keeps remember-me cookies from being accepted as any other signed value.
SALT = "vial-login.remember-cookie"


def _serializer(key: str | bytes | None) -> URLSafeTimedSerializer:
    """Return the cookie's serializer: the given key, else the app's keys."""
    return get_serializer(
        SALT,
        secret_key=key,
        digest_method=hashlib.sha256,
        purpose="remember-me cookies",
    )


def cookie_duration(value: t.Any) -> timedelta:
    """Return a ``REMEMBER_COOKIE_DURATION`` value (seconds or timedelta) as timedelta.

    :raises TypeError: The value is neither.
    """
    if isinstance(value, timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return timedelta(seconds=value)
    raise TypeError(
        "REMEMBER_COOKIE_DURATION must be a datetime.timedelta or a number of"
        f" seconds, not {type(value).__name__}."
    )


class RememberedLogin(t.NamedTuple):
    """What a valid remember-me cookie carries."""

    #: The user's id, as ``get_id()`` gave it.
    user_id: str
    #: The cookie's lifetime in seconds, chosen at login.
    seconds: int
    #: The login's session registry id; None in cookies made without one.
    login_id: str | None


def default_seconds(app: Vial) -> float:
    """Return the configured lifetime of remember-me cookies, in seconds."""
    duration = app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    return cookie_duration(duration).total_seconds()


def sign_cookie(
    payload: str,
    key: str | bytes | None = None,
    max_age: float | None = None,
    login_id: str | None = None,
) -> str:
    """Sign ``payload`` (a user id) into a remember-me cookie value.

    :param payload: The value to carry, usually the user's ``get_id()``.
    :param key: The signing key; the app's ``SECRET_KEY`` by default.
    :param max_age: Seconds the cookie stays valid; ``REMEMBER_COOKIE_DURATION``
        by default.
    :param login_id: The login's session registry id, if there is one.
    """
    if max_age is None:
        max_age = default_seconds(get_app())
    data: list[t.Any] = [str(payload), int(max_age)]
    if login_id is not None:
        data.append(login_id)
    return _serializer(key).dumps(data)


def read_cookie(cookie: str, key: str | bytes | None = None) -> RememberedLogin | None:
    """Return what a valid cookie carries, else None.

    None when the cookie was not signed with the app's keys for this
    purpose, was changed, has another shape, or is older than the lifetime
    it was made with.
    """
    serializer = _serializer(key)
    try:
        data = serializer.loads(cookie)
        if (
            not isinstance(data, list)
            or len(data) not in (2, 3)
            or not isinstance(data[0], str)
            or isinstance(data[1], bool)
            or not isinstance(data[1], int)
            or (len(data) == 3 and not isinstance(data[2], str))
        ):
            return None
        # Check the signature's age against the lifetime signed with it.
        serializer.loads(cookie, max_age=data[1])
    except BadSignature:  # also raised for expired and malformed cookies
        return None
    return RememberedLogin(data[0], data[1], data[2] if len(data) == 3 else None)


def set_cookie(
    response: Response,
    user_id: str,
    seconds: float,
    *,
    expires: datetime,
    login_id: str | None = None,
) -> None:
    """Set the remember-me cookie for ``user_id`` on ``response``.

    :param seconds: The cookie's lifetime, signed into it and sent as
        ``Max-Age``.
    :param expires: The cookie's ``Expires`` date, for browsers that ignore
        ``Max-Age``; a naive value is taken as UTC.
    :param login_id: The login's session registry id, if there is one.
    """
    config = get_app().config
    response.set_cookie(
        config["REMEMBER_COOKIE_NAME"],
        value=sign_cookie(user_id, max_age=seconds, login_id=login_id),
        max_age=int(seconds),
        expires=expires,
        domain=config["REMEMBER_COOKIE_DOMAIN"],
        path=config["REMEMBER_COOKIE_PATH"],
        secure=config["REMEMBER_COOKIE_SECURE"],
        httponly=config["REMEMBER_COOKIE_HTTPONLY"],
        samesite=config["REMEMBER_COOKIE_SAMESITE"],
    )


def clear_cookie(response: Response) -> None:
    """Delete the remember-me cookie on ``response``."""
    config = get_app().config
    response.delete_cookie(
        config["REMEMBER_COOKIE_NAME"],
        domain=config["REMEMBER_COOKIE_DOMAIN"],
        path=config["REMEMBER_COOKIE_PATH"],
        secure=config["REMEMBER_COOKIE_SECURE"],
        httponly=config["REMEMBER_COOKIE_HTTPONLY"],
        samesite=config["REMEMBER_COOKIE_SAMESITE"],
    )
