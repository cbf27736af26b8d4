"""authenticate() and login_account(): hash upgrades, deactivated and
unconfirmed accounts, the same work for unknown addresses."""

from __future__ import annotations

import typing as t

import pytest
from support import add_user
from support import Browser
from support import find_user
from support import PASSWORD

from vial import Vial
from vial_accounts import authenticate
from vial_accounts import get_datastore
from vial_accounts import LoginRefused


def test_an_old_hash_is_upgraded_at_login(app: Vial) -> None:
    from passlib.hash import pbkdf2_sha512  # type: ignore[import-untyped]

    add_user(app)
    app.config["PASSWORD_SCHEMES"] = ["pbkdf2_sha512", "argon2"]
    with app.app_context():
        datastore = get_datastore()
        user = datastore.find_user(email="ann@example.com")
        # A hash made with a lower cost than configured.
        user.password = pbkdf2_sha512.using(rounds=500).hash(PASSWORD)
        datastore.put(user)
        datastore.commit()
    old = find_user(app, "ann@example.com").password
    assert Browser(app).log_in().status_code == 302
    new = find_user(app, "ann@example.com").password
    assert new != old
    assert "$1000$" in new
    assert Browser(app).log_in().status_code == 302


@pytest.mark.parametrize(
    ("fields", "reason", "message"),
    [
        ({"active": False}, "disabled", "This account is disabled."),
        ({"confirmed": False}, "unconfirmed", "Confirm your e-mail address"),
    ],
)
def test_accounts_that_may_not_log_in(
    app: Vial, fields: dict[str, t.Any], reason: str, message: str
) -> None:
    add_user(app, **fields)
    with app.test_request_context("/login", method="POST"):
        with pytest.raises(LoginRefused) as caught:
            authenticate("ann@example.com", PASSWORD)
        assert caught.value.reason == reason
        assert caught.value.message.startswith(message)
        # The wrong password says nothing of the account's state.
        with pytest.raises(LoginRefused) as caught:
            authenticate("ann@example.com", "wrong")
        assert caught.value.reason == "credentials"
    page = Browser(app).log_in()
    assert page.status_code == 400
    assert message in page.text


def test_an_invalid_address_is_a_field_error_and_not_counted(app: Vial) -> None:
    with app.test_request_context("/login", method="POST"):
        with pytest.raises(LoginRefused) as caught:
            authenticate("nobody", "x")
        assert caught.value.field == "email"


def test_unknown_addresses_cost_a_password_check(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vial_passwords import verify_and_update as real

    checked: list[object] = []

    def spy(password: str, stored: str | None) -> tuple[bool, str | None]:
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr("vial_accounts.authentication.verify_and_update", spy)
    with app.test_request_context("/login", method="POST"), pytest.raises(LoginRefused):
        authenticate("nobody@example.com", "whatever")
    assert checked == [None]
