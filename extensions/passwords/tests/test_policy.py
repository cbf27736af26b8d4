from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial_passwords import PasswordPolicy
from vial_passwords import Passwords


def _policy(app: Vial, **config: t.Any) -> PasswordPolicy:
    app.config.update(config)
    Passwords(app)
    policy = app.extensions["passwords"].policy
    assert isinstance(policy, PasswordPolicy)
    return policy


def test_default_length_limits(app: Vial) -> None:
    policy = _policy(app)
    assert policy.validate("a" * 8) == []
    assert policy.validate("a" * 128) == []
    assert policy.validate("a" * 7) == [
        "The password must be at least 8 characters long."
    ]
    assert policy.validate("a" * 129) == [
        "The password must be at most 128 characters long."
    ]
    assert policy.validate("") == ["The password must be at least 8 characters long."]


def test_configured_length_limits(app: Vial) -> None:
    policy = _policy(app, PASSWORD_MIN_LENGTH=12, PASSWORD_MAX_LENGTH=16)
    assert policy.validate("a" * 11) == [
        "The password must be at least 12 characters long."
    ]
    assert policy.validate("a" * 12) == []
    assert policy.validate("a" * 17) == [
        "The password must be at most 16 characters long."
    ]


def test_nul_character_is_a_problem(app: Vial) -> None:
    assert _policy(app).validate("long\x00enough") == [
        "The password must not contain the NUL character."
    ]


def test_complexity_check_gets_password_and_user(app: Vial) -> None:
    seen: list[tuple[str, t.Any]] = []

    def check(password: str, user: t.Any) -> list[str]:
        seen.append((password, user))
        if user is not None and user["name"] in password:
            return ["The password must not contain your user name."]
        return []

    policy = _policy(app, PASSWORD_CHECK_COMPLEXITY=check)
    user = {"name": "alice"}
    assert policy.validate("alice-in-wonderland", user) == [
        "The password must not contain your user name."
    ]
    assert policy.validate("queen of hearts", user) == []
    assert policy.validate("alice-in-wonderland") == []
    assert seen == [
        ("alice-in-wonderland", user),
        ("queen of hearts", user),
        ("alice-in-wonderland", None),
    ]


def test_complexity_problems_add_to_length_problems(app: Vial) -> None:
    policy = _policy(app, PASSWORD_CHECK_COMPLEXITY=lambda pw, user: "Add a digit.")
    assert policy.validate("short") == [
        "The password must be at least 8 characters long.",
        "Add a digit.",
    ]
    none_policy = _policy(Vial("other"), PASSWORD_CHECK_COMPLEXITY=lambda pw, u: None)
    assert none_policy.validate("long enough") == []


def test_overlong_password_is_not_handed_to_the_check(app: Vial) -> None:
    calls: list[str] = []
    policy = _policy(
        app,
        PASSWORD_CHECK_COMPLEXITY=lambda pw, user: calls.append(pw),
    )
    assert policy.validate("a" * 500) == [
        "The password must be at most 128 characters long."
    ]
    assert calls == []


@pytest.mark.parametrize("password", ["\ud800", "correct \udfff horse", "x\udc80" * 5])
def test_unencodable_password_is_refused_at_sign_up(app: Vial, password: str) -> None:
    # Before, it passed the policy and hash_password() failed afterwards
    # with a UnicodeEncodeError.
    calls: list[str] = []
    policy = _policy(
        app,
        PASSWORD_CHECK_COMPLEXITY=lambda pw, user: calls.append(pw),
    )
    assert policy.validate(password) == [
        "The password contains characters that are not valid text"
        " (unpaired surrogates); type it again."
    ]
    # The app's check only ever sees passwords that can be hashed.
    assert calls == []


def test_complexity_check_from_import_string(app: Vial) -> None:
    policy = _policy(app, PASSWORD_CHECK_COMPLEXITY="string:capwords")
    # string.capwords returns the password itself, taken as one problem.
    assert policy.validate("long enough") == ["Long Enough"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("no_such_module_xyz:check", "cannot be imported"),
        ("string:no_such_function", "cannot be imported"),
        ("string:ascii_letters", "must be None, a callable"),
        ("not an import string", "must be None, a callable"),
        (42, "must be None, a callable"),
    ],
)
def test_invalid_complexity_check_fails_at_init_app(
    app: Vial, value: t.Any, message: str
) -> None:
    app.config["PASSWORD_CHECK_COMPLEXITY"] = value
    with pytest.raises(ValueError, match=message):
        Passwords(app)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"PASSWORD_MIN_LENGTH": 20, "PASSWORD_MAX_LENGTH": 10}, "greater than"),
        ({"PASSWORD_MIN_LENGTH": "8"}, "PASSWORD_MIN_LENGTH must be a whole"),
        ({"PASSWORD_MIN_LENGTH": True}, "PASSWORD_MIN_LENGTH must be a whole"),
    ],
)
def test_invalid_lengths_fail_at_init_app(
    app: Vial, config: dict[str, t.Any], message: str
) -> None:
    app.config.update(config)
    with pytest.raises(ValueError, match=message):
        Passwords(app)
