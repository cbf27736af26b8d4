from __future__ import annotations

from vial import Vial
from vial_passwords import Passwords
from vial_passwords.config import DEFAULT_HASH_OPTIONS
from vial_passwords.config import OPTIONS


def test_apply_fills_every_key() -> None:
    app = Vial("defaults")
    OPTIONS.apply(app)
    assert app.config["PASSWORD_SCHEMES"] == ["argon2", "bcrypt", "pbkdf2_sha512"]
    assert app.config["PASSWORD_DEPRECATED"] == "auto"
    assert app.config["PASSWORD_HASH_OPTIONS"] == DEFAULT_HASH_OPTIONS
    assert app.config["PASSWORD_PEPPER"] is None
    assert app.config["PASSWORD_PEPPER_FALLBACKS"] == []
    assert app.config["PASSWORD_NORMALIZE_FORM"] == "NFKD"
    assert app.config["PASSWORD_MIN_LENGTH"] == 8
    assert app.config["PASSWORD_MAX_LENGTH"] == 128
    assert app.config["PASSWORD_CHECK_COMPLEXITY"] is None
    assert {option.name for option in OPTIONS} == {
        key for key in app.config if key.startswith("PASSWORD_")
    }


def test_app_values_win_over_defaults(app: Vial) -> None:
    app.config["PASSWORD_MIN_LENGTH"] = 15
    Passwords(app)
    assert app.config["PASSWORD_MIN_LENGTH"] == 15
    assert app.extensions["passwords"].policy.min_length == 15


def test_defaults_are_not_shared_between_apps() -> None:
    first, second = Vial("first"), Vial("second")
    OPTIONS.apply(first)
    OPTIONS.apply(second)
    first.config["PASSWORD_SCHEMES"].append("md5_crypt")
    first.config["PASSWORD_HASH_OPTIONS"]["argon2"]["memory_cost"] = 1
    assert second.config["PASSWORD_SCHEMES"] == ["argon2", "bcrypt", "pbkdf2_sha512"]
    assert DEFAULT_HASH_OPTIONS["argon2"]["memory_cost"] == 19456
    assert second.config["PASSWORD_HASH_OPTIONS"]["argon2"]["memory_cost"] == 19456
