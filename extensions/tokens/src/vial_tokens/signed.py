"""Signed tokens: the user's alternative id, signed and timestamped.

A signed token needs no storage: it is ``{"u": <alternative id>}`` signed
with the app's secret key through :func:`vial.ext.get_serializer` (HMAC
SHA-256, ``SECRET_KEY_FALLBACKS`` honoured, so the key can be rotated), with
the time it was issued. It is refused once older than ``TOKENS_MAX_AGE``, or
than the shorter lifetime it was issued with, when its signature does not
match (tampered, or signed with another app's key), and when no user has
the alternative id any more: giving a user a new alternative id revokes all
of the user's signed tokens at once.

The token carries no roles or permissions: those are read from the user on
each request, so a change takes effect at once, and there is nothing in the
token worth tampering with.
"""

from __future__ import annotations

import hashlib
import time
import typing as t
from functools import lru_cache

from itsdangerous import BadData

from vial.ext import get_serializer

if t.TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

    from vial import Vial

    from .failures import Reason

_SALT = "vial-tokens.access"


def _serializer(app: Vial | None) -> URLSafeTimedSerializer:
    return get_serializer(
        _SALT, app=app, digest_method=hashlib.sha256, purpose="API tokens"
    )


def dump_signed_token(
    alt_id: str, lifetime: float | None, app: Vial | None = None
) -> str:
    """Return a signed token for the user with this alternative id.

    :param lifetime: seconds the token lives, when shorter than the app's
        ``TOKENS_MAX_AGE``; ``None`` for that maximum.
    """
    payload: dict[str, t.Any] = {"u": alt_id}
    if lifetime is not None:
        payload["e"] = int(lifetime)
    return _serializer(app).dumps(payload)


def load_signed_token(
    token: str, max_age: float, app: Vial | None = None
) -> tuple[str | None, Reason | None]:
    """Check a signed token; return its alternative id, or why it is refused.

    Exactly one item of the pair is ``None``.
    """
    try:
        alt_id, lifetime, issued = _check_signature(_serializer(app), token)
    except BadData:
        return None, "invalid"
    age = time.time() - issued
    if age < 0:  # signed in the future: not by this app's clock
        return None, "invalid"
    if age > max_age or (lifetime is not None and age > lifetime):
        return None, "expired"
    return alt_id, None


@lru_cache(maxsize=1024)
def _check_signature(
    serializer: URLSafeTimedSerializer, token: str
) -> tuple[str, int | None, float]:
    """Return the alternative id, lifetime and issue time of a genuine token.

    Cached: a client sends the same token with many requests, and checking
    the signature is most of the cost of a token-authenticated request. The
    serializer (one per set of keys) is part of the key, so a rotated key is
    checked afresh; only genuine tokens are cached, and the age is checked
    by the caller on every request.

    :raises itsdangerous.BadData: the signature does not match, or the
        payload is not what :func:`dump_signed_token` writes.
    """
    payload, issued = serializer.loads(token, return_timestamp=True)
    if not isinstance(payload, dict):
        raise BadData("The token's payload is not an object.")
    alt_id = payload.get("u")
    lifetime = payload.get("e")
    if not isinstance(alt_id, str) or not alt_id:
        raise BadData("The token carries no alternative id.")
    if lifetime is not None and (
        not isinstance(lifetime, int) or isinstance(lifetime, bool)
    ):
        raise BadData("The token's lifetime is not a whole number of seconds.")
    return alt_id, lifetime, issued.timestamp()
