"""Reading credentials from header values, and comparing secrets.

Pure functions, no request: the authentication classes read the header and
hand its value here. Anything a client can send is handled: a value without
a scheme, bad base64, no colon, bytes that are not UTF-8, a value that is
too long. Each gives ``None`` or a :class:`Malformed`, never an exception.
"""

from __future__ import annotations

import binascii
import hmac
import typing as t
from base64 import b64decode

from werkzeug.datastructures import Authorization
from werkzeug.http import parse_dict_header

if t.TYPE_CHECKING:
    from .failures import Reason


class Malformed:
    """Credentials that were sent but cannot be read; refused with a 401.

    :param reason: ``"malformed"`` or ``"too_long"``.
    """

    __slots__ = ("reason",)

    def __init__(self, reason: Reason) -> None:
        self.reason: Reason = reason

    def __repr__(self) -> str:
        return f"<Malformed {self.reason!r}>"


#: What reading a request's credentials gives: the credentials, ``None``
#: when the request carries none for the scheme, or :class:`Malformed`.
ReadAuth = Authorization | Malformed | None


def split_authorization(value: str) -> tuple[str, str] | None:
    """Split an ``Authorization`` value into its scheme and credentials.

    ``None`` when there is no space after the scheme. The credentials may be
    empty (``"Bearer "``).
    """
    scheme, space, credentials = value.strip().partition(" ")
    if not space or not scheme:
        return None
    return scheme, credentials.strip()


def decode_basic(credentials: str) -> tuple[str, str] | None:
    """Decode HTTP basic credentials into the user name and the password.

    The bytes are read as UTF-8 and, failing that, as Latin-1, which older
    clients send and which decodes any bytes (as Flask-HTTPAuth does).
    ``None`` for bad base64 or no colon.
    """
    try:
        raw = b64decode(credentials.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        return None
    username, colon, password = raw.partition(b":")
    if not colon:
        return None
    try:
        return username.decode("utf-8"), password.decode("utf-8")
    except UnicodeDecodeError:
        return username.decode("latin-1"), password.decode("latin-1")


def basic_authorization(username: str, password: str) -> Authorization:
    """Return werkzeug's :class:`Authorization` for basic credentials."""
    return Authorization("basic", {"username": username, "password": password})


def digest_authorization(credentials: str) -> Authorization | None:
    """Parse the parameters of digest credentials; ``None`` when there are none."""
    params = parse_dict_header(credentials)
    if not params:
        return None
    return Authorization("digest", {k: v for k, v in params.items() if v is not None})


def token_authorization(scheme: str, token: str) -> Authorization:
    """Return werkzeug's :class:`Authorization` for a token."""
    return Authorization(scheme.lower(), token=token)


def same_secret(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Compare two secrets in constant time; ``False`` when either is ``None``.

    Text is compared as UTF-8, so a secret with characters outside ASCII is
    compared too (:func:`hmac.compare_digest` refuses such text).
    """
    if given is None or expected is None:
        return False
    if isinstance(given, str):
        given = given.encode("utf-8")
    if isinstance(expected, str):
        expected = expected.encode("utf-8")
    return hmac.compare_digest(given, expected)


def quote_header_value(value: str) -> str:
    """Quote ``value`` as an HTTP quoted-string, escaping ``\\`` and ``"``."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
