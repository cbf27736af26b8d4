"""Signed links for e-mails: what they carry, how they expire, where they lead.

Every link token is signed through :func:`vial.ext.get_serializer` (the
app's ``SECRET_KEY``, ``SECRET_KEY_FALLBACKS`` honoured) with a salt of its
own kind (:data:`~vial_accounts.config.CONFIRM_SALT`,
:data:`~vial_accounts.config.RESET_SALT`), so a confirmation link never
passes for a reset link. A token carries the user's ``fs_uniquifier`` and a
digest of the state it was made for (the e-mail address to confirm, the
password hash to replace); once that state changes, the token names
nothing and is refused: a reset link dies when the password changes, so it
works once.

Links lead to the app's own address: ``ACCOUNTS_BASE_URL`` when set, else
``url_for(..., _external=True)``, which takes the host from ``SERVER_NAME``.
They are never built from the Host header of the request that asked for
them, which an attacker chooses (reset link poisoning).
"""

from __future__ import annotations

import hashlib
import hmac
import typing as t

from itsdangerous import BadSignature
from itsdangerous import SignatureExpired

from vial import url_for
from vial.ext import get_app
from vial.ext import get_serializer

from .config import read_seconds

if t.TYPE_CHECKING:
    from vial import Vial


class LinkError(ValueError):
    """A link token was refused; :attr:`expired` tells why.

    The message is a sentence for the user.
    """

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        #: Whether the token was genuine but too old.
        self.expired = expired


def digest(value: str | None) -> str:
    """Return a short digest of ``value`` that a token may carry in the open.

    Tokens are signed, not encrypted: the digest shows nothing of a password
    hash or an address to whoever holds the link.
    """
    return hashlib.sha256((value or "").encode("utf-8")).hexdigest()[:32]


def make_token(salt: str, user: t.Any, state: str | None) -> str:
    """Return a signed token naming ``user`` in ``state`` (see :func:`digest`)."""
    return get_serializer(salt, purpose="account links").dumps(
        [str(user.fs_uniquifier), digest(state)]
    )


def make_link(
    salt: str, user: t.Any, state: str | None, endpoint: str
) -> tuple[str, str]:
    """Return a token for ``user`` in ``state`` and the external URL of
    ``endpoint`` carrying it (see :func:`make_token`, :func:`external_url`)."""
    token = make_token(salt, user, state)
    return token, external_url(endpoint, token=token)


def read_token(salt: str, token: str, max_age_setting: str) -> tuple[str, str]:
    """Return the ``(fs_uniquifier, state digest)`` a token carries.

    :param max_age_setting: the config key of the token's lifetime.
    :raises LinkError: the token is forged, of another kind, malformed or
        older than its lifetime.
    """
    app = get_app()
    max_age = read_seconds(app, max_age_setting)
    serializer = get_serializer(salt, purpose="account links")
    try:
        data = serializer.loads(token, max_age=int(max_age))
    except SignatureExpired:
        raise LinkError("This link has expired.", expired=True) from None
    except BadSignature:
        raise LinkError("This link is not valid.") from None
    if (
        not isinstance(data, list)
        or len(data) != 2
        or not all(isinstance(item, str) for item in data)
    ):
        raise LinkError("This link is not valid.")
    return data[0], data[1]


def same_digest(carried: str, state: str | None) -> bool:
    """Return whether a token's digest is that of ``state``, in constant time."""
    return hmac.compare_digest(carried.encode(), digest(state).encode())


def external_url(endpoint: str, **values: t.Any) -> str:
    """Return the absolute URL of ``endpoint`` for an e-mail.

    From ``ACCOUNTS_BASE_URL`` when set, else from ``SERVER_NAME`` through
    ``url_for(..., _external=True)``; never from the request's Host header.

    :raises RuntimeError: neither is set.
    """
    app = get_app()
    base = app.config["ACCOUNTS_BASE_URL"]
    if base:
        return str(base).rstrip("/") + _app_path(app, endpoint, values)
    if not app.config["SERVER_NAME"]:
        raise RuntimeError(
            "E-mailed links need the app's address, and vial-accounts never"
            " takes it from the Host header a client sends. Set"
            " app.config['ACCOUNTS_BASE_URL'] (such as 'https://example.com')"
            " or app.config['SERVER_NAME']."
        )
    return url_for(endpoint, _external=True, **values)


def _app_path(app: Vial, endpoint: str, values: dict[str, t.Any]) -> str:
    """Return the path of ``endpoint`` within the app, without a script root."""
    # Bound to no request: the host given here is never part of the result.
    return str(app.url_map.bind("localhost", script_name="/").build(endpoint, values))
