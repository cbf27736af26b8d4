"""Signed link tokens and the addresses links lead to."""

from __future__ import annotations

import pytest
from support import Clock

from vial import Vial
from vial_accounts import LinkError
from vial_accounts import MemoryUserDatastore
from vial_accounts.config import CONFIRM_SALT
from vial_accounts.config import RESET_SALT
from vial_accounts.links import digest
from vial_accounts.links import external_url
from vial_accounts.links import make_token
from vial_accounts.links import read_token
from vial_accounts.links import same_digest


def test_a_token_carries_the_uniquifier_and_a_digest(app: Vial) -> None:
    user = MemoryUserDatastore().create_user(email="ann@example.com", password="hash")
    with app.app_context():
        token = make_token(RESET_SALT, user, user.password)
        uniquifier, carried = read_token(
            RESET_SALT, token, "ACCOUNTS_RESET_PASSWORD_WITHIN"
        )
    assert uniquifier == user.fs_uniquifier
    assert same_digest(carried, "hash")
    assert not same_digest(carried, "another hash")
    assert "hash" not in token
    assert digest(None) == digest("")


def test_tokens_are_refused_with_a_reason(app: Vial, clock: Clock) -> None:
    user = MemoryUserDatastore().create_user(email="ann@example.com")
    with app.app_context():
        token = make_token(CONFIRM_SALT, user, user.email)
        with pytest.raises(LinkError) as caught:
            read_token(RESET_SALT, token, "ACCOUNTS_RESET_PASSWORD_WITHIN")
        assert not caught.value.expired
        assert str(caught.value) == "This link is not valid."
        clock.advance(5 * 24 * 3600 + 1)
        with pytest.raises(LinkError) as caught:
            read_token(CONFIRM_SALT, token, "ACCOUNTS_CONFIRM_WITHIN")
        assert caught.value.expired
        from vial.ext import get_serializer

        odd = get_serializer(CONFIRM_SALT).dumps({"not": "a list"})
        with pytest.raises(LinkError, match="not valid"):
            read_token(CONFIRM_SALT, odd, "ACCOUNTS_CONFIRM_WITHIN")


def test_a_rotated_secret_key_keeps_links_working(app: Vial) -> None:
    user = MemoryUserDatastore().create_user(email="ann@example.com")
    with app.app_context():
        token = make_token(CONFIRM_SALT, user, user.email)
    app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
    app.config["SECRET_KEY"] = "the new key"
    with app.app_context():
        assert read_token(CONFIRM_SALT, token, "ACCOUNTS_CONFIRM_WITHIN")[0] == (
            user.fs_uniquifier
        )


def test_external_urls_never_use_the_request_host(app: Vial) -> None:
    with app.test_request_context("/reset", headers={"Host": "evil.example"}):
        assert external_url("accounts.login") == "http://accounts.test/login"
    with app.test_request_context(
        "/reset",
        base_url="https://evil.example/prefix",
        headers={"Host": "evil.example"},
    ):
        app.config["ACCOUNTS_BASE_URL"] = "https://www.example.com/root/"
        assert external_url("accounts.reset_password", token="t") == (
            "https://www.example.com/root/reset/t"
        )
    app.config["ACCOUNTS_BASE_URL"] = None
    app.config["SERVER_NAME"] = None
    with (
        app.test_request_context("/"),
        pytest.raises(RuntimeError, match="Host header"),
    ):
        external_url("accounts.login")
