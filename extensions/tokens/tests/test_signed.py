"""Signed tokens: the payload, expiry, tampering, keys."""

from __future__ import annotations

import pytest
from support import move_clock

from vial import Vial
from vial.ext import get_serializer
from vial_tokens.signed import dump_signed_token
from vial_tokens.signed import load_signed_token


def test_round_trip(app: Vial) -> None:
    with app.app_context():
        token = dump_signed_token("alt", None)
        assert load_signed_token(token, 60) == ("alt", None)


def test_an_explicit_app(app: Vial) -> None:
    token = dump_signed_token("alt", None, app)
    assert load_signed_token(token, 60, app) == ("alt", None)


def test_expiry_by_max_age_and_by_lifetime(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    long_lived = dump_signed_token("alt", None, app)
    short_lived = dump_signed_token("alt", 10, app)
    move_clock(monkeypatch, 11)
    assert load_signed_token(long_lived, 60, app) == ("alt", None)
    assert load_signed_token(short_lived, 60, app) == (None, "expired")
    assert load_signed_token(long_lived, 5, app) == (None, "expired")


@pytest.mark.parametrize(
    "payload",
    [
        ["alt"],
        {"u": ""},
        {"u": 5},
        {"x": "alt"},
        {"u": "alt", "e": "10"},
        {"u": "alt", "e": True},
    ],
)
def test_signed_payloads_of_the_wrong_shape_are_refused(
    app: Vial, payload: object
) -> None:
    import hashlib

    serializer = get_serializer(
        "vial-tokens.access", app=app, digest_method=hashlib.sha256
    )
    assert load_signed_token(serializer.dumps(payload), 60, app) == (None, "invalid")


def test_other_keys_and_garbage_are_refused(app: Vial) -> None:
    other = Vial("other")
    other.config["SECRET_KEY"] = "other key"
    foreign = dump_signed_token("alt", None, other)
    assert load_signed_token(foreign, 60, app) == (None, "invalid")
    for garbage in ("", "a.b.c", "✓", "x" * 500):
        assert load_signed_token(garbage, 60, app) == (None, "invalid")


def test_a_token_from_the_future_is_refused(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as later:
        move_clock(later, 120)
        token = dump_signed_token("alt", None, app)
    assert load_signed_token(token, 60, app) == (None, "invalid")


def test_a_cached_check_still_expires_and_follows_key_changes(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = dump_signed_token("alt", None, app)
    assert load_signed_token(token, 60, app) == ("alt", None)
    assert load_signed_token(token, 60, app) == ("alt", None)  # from the cache
    app.config["SECRET_KEY"] = "a new key without fallbacks"
    assert load_signed_token(token, 60, app) == (None, "invalid")
    app.config["SECRET_KEY_FALLBACKS"] = ["test secret key"]
    assert load_signed_token(token, 60, app) == ("alt", None)
    move_clock(monkeypatch, 61)
    assert load_signed_token(token, 60, app) == (None, "expired")
