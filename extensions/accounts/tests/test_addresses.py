"""E-mail addresses as stored, and client addresses as counted."""

from __future__ import annotations

import pytest

from vial_accounts import InvalidEmailError
from vial_accounts import normalize_email
from vial_accounts.addresses import client_key
from vial_accounts.addresses import email_key


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("ann@example.com", "ann@example.com"),
        ("  Ann.Lee+news@Example.COM\n", "ann.lee+news@example.com"),
        ("\uff21\uff2e\uff2e@example.com", "ann@example.com"),  # full-width, NFKC
        ("zoë@bücher.example", "zoë@bücher.example"),
    ],
)
def test_addresses_are_normalised(given: str, stored: str) -> None:
    assert normalize_email(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "ann",
        "ann@",
        "@example.com",
        "ann@example",
        "ann@@example.com",
        "ann example@example.com",
        "ann@example.com\r\nBcc: all@example.com",
        "ann<x>@example.com",
        "ann@-example.com",
        "ann@example..com",
        "a" * 65 + "@example.com",
        "a@" + "b" * 250 + ".com",
        None,
    ],
)
def test_invalid_addresses_are_refused(given: str) -> None:
    with pytest.raises(InvalidEmailError):
        normalize_email(given)


def test_email_keys_are_digests() -> None:
    key = email_key("ann@example.com")
    assert "ann" not in key
    assert len(key) == 40
    assert key == email_key("ann@example.com") != email_key("bob@example.com")


@pytest.mark.parametrize(
    ("remote_addr", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2::99", "2001:db8:1:2::/64"),
        ("[2001:db8::1]", "2001:db8::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        (None, "unknown"),
        ("", "unknown"),
        ("unix-socket", "unknown"),
    ],
)
def test_client_keys(remote_addr: str | None, key: str) -> None:
    assert client_key(remote_addr) == key
