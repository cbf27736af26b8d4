"""Reading credentials from header values, and comparing secrets."""

from __future__ import annotations

import base64

import pytest

from vial_tokens.credentials import decode_basic
from vial_tokens.credentials import digest_authorization
from vial_tokens.credentials import Malformed
from vial_tokens.credentials import quote_header_value
from vial_tokens.credentials import same_secret
from vial_tokens.credentials import split_authorization
from vial_tokens.credentials import token_authorization


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer abc", ("Bearer", "abc")),
        ("  Bearer   abc  ", ("Bearer", "abc")),
        ("Bearer ", None),
        ("Bearer", None),
        ("", None),
        (" abc", None),
        ("Digest a=1, b=2", ("Digest", "a=1, b=2")),
    ],
)
def test_split_authorization(value: str, expected: tuple[str, str] | None) -> None:
    # "Bearer " is stripped to "Bearer": no credentials at all.
    assert split_authorization(value) == expected


@pytest.mark.parametrize(
    ("credentials", "expected"),
    [
        (b64(b"ann:pw"), ("ann", "pw")),
        (b64(b"ann:pw:with:colons"), ("ann", "pw:with:colons")),
        (b64(b":"), ("", "")),
        (b64("zoë:pässword".encode()), ("zoë", "pässword")),
        (b64("zoë:pässword".encode("latin-1")), ("zoë", "pässword")),
        (b64(b"no colon"), None),
        ("!!!", None),
        (b64(b"ann:pw")[:-1], None),
        ("✓", None),
        ("", None),
    ],
)
def test_decode_basic(credentials: str, expected: tuple[str, str] | None) -> None:
    assert decode_basic(credentials) == expected


def test_digest_authorization() -> None:
    auth = digest_authorization('username="ann", nonce="ab", qop=auth')
    assert auth is not None
    assert (auth.type, auth.username, auth.nonce, auth.qop) == (
        "digest",
        "ann",
        "ab",
        "auth",
    )
    assert digest_authorization("") is None


def test_token_authorization() -> None:
    auth = token_authorization("Bearer", "abc")
    assert (auth.type, auth.token, auth.username) == ("bearer", "abc", None)


@pytest.mark.parametrize(
    ("given", "expected", "same"),
    [
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("pässword", "pässword", True),
        ("pässword", "password", False),
        (b"abc", "abc", True),
        (None, "abc", False),
        ("abc", None, False),
    ],
)
def test_same_secret(
    given: str | bytes | None, expected: str | bytes | None, same: bool
) -> None:
    assert same_secret(given, expected) is same


def test_quote_header_value() -> None:
    assert quote_header_value('a "b" \\c') == '"a \\"b\\" \\\\c"'


def test_malformed_repr() -> None:
    assert repr(Malformed("too_long")) == "<Malformed 'too_long'>"
