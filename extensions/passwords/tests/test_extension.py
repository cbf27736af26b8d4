from __future__ import annotations

import pytest

from vial import request
from vial import Vial
from vial_passwords import hash_password
from vial_passwords import PasswordHasher
from vial_passwords import PasswordPolicy
from vial_passwords import Passwords
from vial_passwords import PasswordsState
from vial_passwords import validate_password
from vial_passwords import verify_and_update
from vial_passwords import verify_password


def test_constructor_registers_state(app: Vial) -> None:
    Passwords(app)
    state = app.extensions["passwords"]
    assert isinstance(state, PasswordsState)
    assert isinstance(state.hasher, PasswordHasher)
    assert isinstance(state.policy, PasswordPolicy)
    assert "passwords" in app.cli.commands


def test_init_app_in_a_factory(app: Vial) -> None:
    passwords = Passwords()
    assert "passwords" not in app.extensions
    passwords.init_app(app)
    assert "passwords" in app.extensions
    assert not hasattr(passwords, "app")


def test_one_instance_serves_apps_with_their_own_config(app: Vial) -> None:
    other = Vial("other")
    other.config.update(app.config)
    app.config["PASSWORD_PEPPER"] = "first pepper"
    other.config["PASSWORD_PEPPER"] = "second pepper"
    other.config["PASSWORD_MIN_LENGTH"] = 20
    passwords = Passwords()
    passwords.init_app(app)
    passwords.init_app(other)
    with app.app_context():
        hashed = hash_password("correct horse")
        assert verify_password("correct horse", hashed)
        assert validate_password("a" * 10) == []
    with other.app_context():
        assert not verify_password("correct horse", hashed)
        assert validate_password("a" * 10) == [
            "The password must be at least 20 characters long."
        ]


def test_second_init_app_is_an_error(app: Vial) -> None:
    passwords = Passwords(app)
    state = app.extensions["passwords"]
    message = r"already set up on the app .*: Passwords\(app\) or passwords"
    with pytest.raises(RuntimeError, match=message):
        passwords.init_app(app)
    with pytest.raises(RuntimeError, match=message):
        Passwords(app)
    assert app.extensions["passwords"] is state


def test_functions_use_the_current_app(app: Vial, app_ctx: object) -> None:
    Passwords(app)
    hashed = hash_password("correct horse")
    assert verify_password("correct horse", hashed)
    assert not verify_password("wrong horse", hashed)
    assert not verify_password("correct horse", None)
    assert verify_and_update("correct horse", hashed) == (True, None)
    assert validate_password("short") == [
        "The password must be at least 8 characters long."
    ]
    with pytest.raises(ValueError, match="PASSWORD_MAX_LENGTH"):
        hash_password("a" * 129)


def test_functions_without_the_extension_explain_the_fix(
    app: Vial, app_ctx: object
) -> None:
    with pytest.raises(RuntimeError, match=r"not set up .*: Passwords\(app\)"):
        hash_password("correct horse")
    with pytest.raises(RuntimeError, match=r"passwords\.init_app\(app\)"):
        verify_password("correct horse", None)


def test_unencodable_password_through_the_functions(app: Vial, app_ctx: object) -> None:
    Passwords(app)
    hashed = hash_password("correct horse")
    assert verify_password("\ud800", hashed) is False
    assert verify_and_update("correct \udfff horse", hashed) == (False, None)
    assert validate_password("long enough \ud800") == [
        "The password contains characters that are not valid text"
        " (unpaired surrogates); type it again."
    ]
    with pytest.raises(ValueError, match="lone surrogate"):
        hash_password("long enough \ud800")


def test_json_login_answers_alike_for_known_and_unknown_users(app: Vial) -> None:
    Passwords(app)
    with app.app_context():
        users = {"ada": hash_password("correct horse")}

    @app.post("/login")
    def login() -> tuple[dict[str, bool], int]:
        body = request.get_json()
        ok = verify_password(body["password"], users.get(body["name"]))
        return {"ok": ok}, 200 if ok else 401

    client = app.test_client()
    assert client.post(
        "/login", json={"name": "ada", "password": "correct horse"}
    ).json == {"ok": True}
    # A lone surrogate was a 500 for an existing account and a 401 for an
    # unknown one, which told the two apart.
    for name in ("ada", "nobody"):
        response = client.post("/login", json={"name": name, "password": "\ud800"})
        assert response.status_code == 401, name
        assert response.json == {"ok": False}
