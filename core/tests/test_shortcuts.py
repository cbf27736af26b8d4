"""The speed shortcuts through itsdangerous's internals, each reliance by name.

If an itsdangerous release changes what ``vial._shortcuts`` relies on, the
test named for that reliance fails here, before any signed value breaks.
"""

from __future__ import annotations

import hashlib
import random
import zlib

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from itsdangerous import BadSignature
from itsdangerous import Signer
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.url_safe import URLSafeSerializerMixin

from vial._shortcuts import CachedKeySigner
from vial._shortcuts import deflate
from vial._shortcuts import FastSerializer


@pytest.mark.parametrize("derivation", ["concat", "django-concat", "hmac", "none"])
def test_signer_keeps_its_settings_as_attributes(derivation: str) -> None:
    signer = Signer(
        ["old", "new"],
        salt="salt",
        key_derivation=derivation,
        digest_method=hashlib.sha256,
    )
    assert signer.secret_keys == [b"old", b"new"]
    assert signer.salt == b"salt"
    assert signer.key_derivation == derivation
    assert signer.digest_method is hashlib.sha256


@pytest.mark.parametrize("derivation", ["concat", "django-concat", "hmac", "none"])
def test_signer_derives_from_the_last_key_by_default(derivation: str) -> None:
    signer = Signer(["old", "new"], salt="salt", key_derivation=derivation)
    assert signer.derive_key() == signer.derive_key("new")
    assert signer.derive_key() != signer.derive_key("old")


@pytest.mark.parametrize("derivation", ["concat", "django-concat", "hmac", "none"])
def test_cached_key_signer_derives_what_itsdangerous_derives(derivation: str) -> None:
    plain = TimestampSigner(["old", "new"], salt="s", key_derivation=derivation)
    cached = CachedKeySigner(["old", "new"], salt="s", key_derivation=derivation)
    assert cached.derive_key() == plain.derive_key()
    assert cached.derive_key("old") == plain.derive_key("old")
    assert plain.unsign(cached.sign("value")) == b"value"


def test_itsdangerous_accepts_other_spellings_of_a_signature() -> None:
    # The reliance CachedKeySigner.verify_signature guards against: the
    # unused bits of the last base64 character are ignored.
    plain = TimestampSigner("key", salt="s")
    signed = plain.sign("value").decode()
    value, _, sig = signed.rpartition(".")
    spellings = [
        f"{value}.{sig[:-1]}{c}"
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    ]
    accepted = [s for s in spellings if _verifies(plain, s)]
    assert len(accepted) > 1
    cached = CachedKeySigner("key", salt="s")
    assert [s for s in spellings if _verifies(cached, s)] == [signed]


def _verifies(signer: Signer, signed: str) -> bool:
    try:
        signer.unsign(signed)
    except BadSignature:
        return False
    return True


def test_url_safe_payload_is_compressed_behind_a_dot() -> None:
    plain = URLSafeTimedSerializer("key", salt="s")
    long = "abcd" * 100
    assert plain.dump_payload(long).startswith(b".")
    assert not plain.dump_payload("short").startswith(b".")
    # The mixin's dump_payload builds on the base serializer's.
    base = super(URLSafeSerializerMixin, plain).dump_payload(long)
    assert base == b'"' + long.encode() + b'"'


@pytest.mark.parametrize("value", ["short", "abcd" * 100, {"k": list(range(300))}])
def test_fast_serializer_writes_itsdangerous_payloads(value: object) -> None:
    plain = URLSafeTimedSerializer("key", salt="s")
    fast = FastSerializer("key", salt="s")
    assert fast.dump_payload(value) == plain.dump_payload(value)
    assert plain.loads(fast.dumps(value)) == value


def test_fast_serializer_reuses_its_default_signer() -> None:
    fast = FastSerializer("key", salt="s")
    assert fast.make_signer() is fast.make_signer()
    assert fast.make_signer("other") is not fast.make_signer()
    assert fast.make_signer("other").salt == b"other"


# Session payloads are compressed with smaller buffers than zlib.compress
# uses, to the same bytes, so cookies stay identical to Flask's
# (test_sessions_flask_interop.py checks whole cookies).

# Data deflate can shorten: runs of a few repeated bytes.
_compressible = st.lists(
    st.tuples(st.binary(min_size=1, max_size=12), st.integers(1, 40)), max_size=60
).map(lambda runs: b"".join(chunk * count for chunk, count in runs))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=3000), _compressible))
def test_deflate_writes_what_zlib_compress_writes(data: bytes) -> None:
    assert deflate(data) == zlib.compress(data)


@pytest.mark.parametrize(
    # Every size up to where the window deflate picks has doubled three
    # times, and around the largest, past which zlib.compress itself is used.
    "sizes",
    [range(2100), range(32500, 32510), [40000]],
)
def test_deflate_matches_zlib_at_window_edges(sizes: range | list[int]) -> None:
    for size in sizes:
        # Random bytes that end with 40 from their start: a match long
        # enough to be used, as far back as deflate looks (never to position
        # 0), which too small a window would miss.
        body = random.Random(size).randbytes(max(size - 40, 0))
        data = (body + body[1:41])[:size]
        assert deflate(data) == zlib.compress(data), size
