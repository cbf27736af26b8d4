"""The account forms: normalised addresses, the password policy, JSON bodies."""

from __future__ import annotations

from pathlib import Path

from support import make_app

from vial import Vial
from vial_accounts.forms import ChangePasswordForm
from vial_accounts.forms import LoginForm
from vial_accounts.forms import RegisterForm
from vial_accounts.forms import text


def test_the_address_is_normalised_by_validation(app: Vial) -> None:
    with app.test_request_context(
        "/login", method="POST", json={"email": " Ann@Example.COM", "password": "x"}
    ):
        form = LoginForm(meta={"csrf": False})
        assert form.validate()
        assert form.email.data == "ann@example.com"
        assert text(form.password) == "x"


def test_the_policy_gets_the_form_s_user(tmp_path: Path) -> None:
    seen: list[object] = []

    def check(password: str, user: object) -> list[str]:
        seen.append(user)
        return ["Not this one."] if "forbidden" in password else []

    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        PASSWORD_CHECK_COMPLEXITY=check,
    )
    data = {
        "password": "current one",
        "new_password": "a forbidden choice",
        "new_password_confirm": "a forbidden choice",
    }
    with app.test_request_context("/change", method="POST", json=data):
        form = ChangePasswordForm(meta={"csrf": False})
        form.user = "the user"
        assert not form.validate()
        assert form.errors == {"new_password": ["Not this one."]}
    assert seen == ["the user"]


def test_registration_fields(app: Vial) -> None:
    data = {
        "email": "ann@example.com",
        "password": "long enough",
        "password_confirm": "x",
    }
    with app.test_request_context("/register", method="POST", data=data):
        form = RegisterForm(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"password_confirm": ["The two passwords differ."]}
        assert 'autocomplete="new-password"' in str(form.password())
        assert 'type="email"' in str(form.email())
