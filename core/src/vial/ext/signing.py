"""Values signed with the app's secret key, with key rotation.

Sessions, remember-me cookies, CSRF tokens, API tokens and account links all
sign a value with the app's ``SECRET_KEY`` and check it later. They all get
their serializer here, so they all honour ``SECRET_KEY_FALLBACKS`` the same
way: new values are signed with ``SECRET_KEY``; values signed with any key
of ``SECRET_KEY_FALLBACKS`` still verify, so a key can be rotated without
logging everyone out. Each use passes its own ``salt``, which keeps one
kind of signed value from passing for another.

.. code-block:: python

    from vial.ext import get_serializer

    token = get_serializer("my-ext.reset-link").dumps({"user": user.id})
    data = get_serializer("my-ext.reset-link").loads(token, max_age=3600)

The serializer is an itsdangerous :class:`~itsdangerous.URLSafeTimedSerializer`:
its ``loads`` raises :class:`~itsdangerous.BadSignature` (and its subclass
:class:`~itsdangerous.SignatureExpired`) for tampered, foreign and expired
values.
"""

from __future__ import annotations

import hashlib
import typing as t
from collections.abc import Sequence
from functools import lru_cache

from vial._shortcuts import CachedKeySigner
from vial._shortcuts import FastSerializer

from .context import get_app

if t.TYPE_CHECKING:
    from itsdangerous import URLSafeTimedSerializer

    from vial.app import Vial

_Key = str | bytes


def require_secret_key(app: Vial, purpose: str) -> str | bytes:
    """Return the app's ``SECRET_KEY``; a clear error when it is not set.

    The key is read through ``app.secret_key``, so an app class that sets
    ``secret_key`` as a class attribute (as Flask code may) is honoured.

    :param purpose: what needs the key, for the message, such as
        ``"remember-me cookies"``.
    :raises RuntimeError: ``SECRET_KEY`` is not set or empty.
    """
    key: _Key | None = app.secret_key
    if not key:
        raise RuntimeError(
            f"No SECRET_KEY is set; set app.config['SECRET_KEY'] to a long"
            f" random value to use {purpose}."
        )
    return key


def get_serializer(
    salt: str | bytes,
    *,
    app: Vial | None = None,
    secret_key: _Key | Sequence[_Key] | None = None,
    digest_method: t.Any = hashlib.sha1,
    key_derivation: str = "django-concat",
    serializer: t.Any = None,
    purpose: str = "signed values",
) -> URLSafeTimedSerializer:
    """Return a serializer that signs with the app's key and accepts rotated ones.

    The serializer signs with ``SECRET_KEY`` and verifies with it and every
    key of ``SECRET_KEY_FALLBACKS``. It is cached for each combination of
    arguments and keys, so calling this for every value is cheap, and a
    change of the keys takes effect at the next call.

    :param salt: names this kind of value; a value signed with one salt
        never verifies with another.
    :param app: the app whose keys to use; the current app by default.
    :param secret_key: sign and verify with this key (or these keys, the
        signing key last) instead of the app's, such as an extension's own
        ``*_SECRET_KEY`` setting. No fallbacks are added to it.
    :param digest_method: the hash of the HMAC signature.
    :param key_derivation: how itsdangerous derives the signing key.
    :param serializer: the module or object with ``dumps`` and ``loads``
        that turns values into text and back; itsdangerous's compact JSON
        by default.
    :param purpose: what the values are, for the error when no key is set.
    :raises RuntimeError: no key is given and the app has no ``SECRET_KEY``.
    """
    if secret_key is None:
        if app is None:
            app = get_app()
        key = require_secret_key(app, purpose)
        fallbacks = app.config.get("SECRET_KEY_FALLBACKS")
        keys: tuple[_Key, ...] = (*fallbacks, key) if fallbacks else (key,)
    elif isinstance(secret_key, (str, bytes)):
        keys = (secret_key,)
    else:
        keys = tuple(secret_key)
    return _serializer(keys, salt, digest_method, key_derivation, serializer)


@lru_cache(maxsize=256)
def _serializer(
    keys: tuple[_Key, ...],
    salt: str | bytes,
    digest_method: t.Any,
    key_derivation: str,
    serializer: t.Any,
) -> URLSafeTimedSerializer:
    # itsdangerous signs with the last key and verifies with all of them; it
    # takes str and bytes keys mixed, though its annotation says otherwise.
    return FastSerializer(
        t.cast(t.Any, list(keys)),
        salt=salt,
        serializer=serializer,
        signer=CachedKeySigner,
        signer_kwargs={
            "key_derivation": key_derivation,
            "digest_method": digest_method,
        },
    )
