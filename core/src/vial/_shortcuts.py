"""Speed shortcuts that lean on itsdangerous's internals.

Each name here does what an itsdangerous class does, with less work per
signed value, and relies on how that class is built inside: attributes and
methods that are not part of its documented API. They live in this one
module so that an itsdangerous release that changes them breaks one place;
``tests/test_shortcuts.py`` checks each reliance by name, and the core
declares an upper bound below the next minor release of itsdangerous.

- :class:`CachedKeySigner` replaces deriving the signing key on every
  value (``Signer.derive_key``): the key is remembered. It also refuses a
  signature whose base64 is not written the one way base64 writes it,
  which itsdangerous accepts (see :meth:`CachedKeySigner.verify_signature`).
- :class:`FastSerializer` replaces building a new signer for every value
  (``Serializer.make_signer``) and zlib's default buffers
  (``URLSafeSerializerMixin.dump_payload``), writing the same bytes.
"""

from __future__ import annotations

import typing as t
import zlib
from functools import lru_cache

from itsdangerous import Signer
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode
from itsdangerous.encoding import base64_encode
from itsdangerous.encoding import want_bytes
from itsdangerous.url_safe import URLSafeSerializerMixin


@lru_cache(maxsize=128)
def _derived_key(
    secret_key: bytes, salt: bytes, key_derivation: str, digest_method: t.Any
) -> bytes:
    # A throwaway signer derives the key the way itsdangerous does, for
    # every derivation it knows.
    signer = Signer(
        secret_key,
        salt=salt,
        key_derivation=key_derivation,
        digest_method=digest_method,
    )
    return signer.derive_key()


class CachedKeySigner(TimestampSigner):
    """A timestamp signer that remembers the keys it derives.

    Deriving costs one hash (or one HMAC) per signed or checked value, for a
    key that only changes with the secret key; the result is cached for each
    combination of key, salt, derivation and digest.

    Relies on: ``Signer.secret_keys``, ``.salt``, ``.key_derivation`` and
    ``.digest_method`` holding what the constructor was given, and
    ``derive_key`` using the last of ``secret_keys`` when called without one.
    """

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the signing key derived from ``secret_key`` (cached)."""
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(key, self.salt, self.key_derivation, self.digest_method)

    def verify_signature(self, value: str | bytes, sig: str | bytes) -> bool:
        """Check ``sig`` for ``value``, refusing non-canonical base64.

        The last character of a base64 text also carries a few unused bits;
        itsdangerous ignores them, so up to 15 spellings of one signature
        verify. Only the spelling base64 itself writes is accepted here, so
        no changed byte of a signed value ever verifies.
        """
        sig = want_bytes(sig)
        try:
            canonical = base64_encode(base64_decode(sig)) == sig
        except Exception:
            return False
        return canonical and super().verify_signature(value, sig)


# deflate keeps this much look-ahead: it matches only within its window size
# minus this.
_DEFLATE_LOOKAHEAD = 262

# What zlib.compress writes before the compressed data with its defaults.
_ZLIB_HEADER = zlib.compress(b"")[:2]


def deflate(data: bytes) -> bytes:
    """Return ``zlib.compress(data)``, byte for byte, with smaller buffers.

    With its defaults, zlib sets up for a 32 KiB window on every call:
    about 256 KiB of buffers, most of which a cookie of a few hundred bytes
    never touches. When they sat at the top of the heap, the C allocator
    gave them back to the system after each call and the next call faulted
    them in again, and every signed value took twice as long. A window that
    reaches back over all of ``data``, with the default hash table, lets
    deflate make the same choices, so it writes the same stream; only the
    two-byte header, which records the window size, differs, and it is
    replaced with the default one.
    """
    bits = (len(data) + _DEFLATE_LOOKAHEAD - 1).bit_length()
    if bits >= zlib.MAX_WBITS:
        return zlib.compress(data)
    # 9 bits, 512 bytes, is the smallest window zlib accepts.
    compressor = zlib.compressobj(
        zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, max(bits, 9)
    )
    stream = compressor.compress(data) + compressor.flush()
    return _ZLIB_HEADER + stream[2:]


class FastSerializer(URLSafeTimedSerializer):
    """A URL-safe timed serializer that reuses its signer and compresses cheaply.

    itsdangerous makes a new signer for every value signed or checked, which
    costs more than the signature itself; the signer keeps no state between
    uses, so one serves every value. The payload is the one itsdangerous
    writes, made with :func:`deflate`.

    Relies on: ``URLSafeSerializerMixin.dump_payload`` writing the serialized
    bytes, or ``"." + base64(zlib)`` when that is at least two bytes shorter,
    on top of ``Serializer.dump_payload``; ``make_signer(None)`` building the
    default signer from the serializer's own settings.
    """

    def dump_payload(self, obj: t.Any) -> bytes:
        """Serialize ``obj`` and compress it as itsdangerous would."""
        data = super(URLSafeSerializerMixin, self).dump_payload(obj)
        compressed = deflate(data)
        if len(compressed) < len(data) - 1:
            return b"." + base64_encode(compressed)
        return base64_encode(data)

    def make_signer(self, salt: str | bytes | None = None) -> Signer:
        """Return the serializer's signer; one instance for the default salt."""
        if salt is not None:
            return super().make_signer(salt)
        signer: Signer | None = self.__dict__.get("_default_signer")
        if signer is None:
            signer = self._default_signer = super().make_signer()
        return signer
