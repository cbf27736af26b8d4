"""The JSON shape, the form errors, the CSRF rule for JSON, safe targets."""

from __future__ import annotations

from vial import Vial
from vial_accounts.forms import LoginForm
from vial_accounts.responses import form_errors
from vial_accounts.responses import FORM_EXPIRED
from vial_accounts.responses import json_answer
from vial_accounts.responses import make_form
from vial_accounts.responses import next_url
from vial_accounts.responses import user_data
from vial_accounts.responses import view_url


def test_the_json_shape(app: Vial) -> None:
    with app.test_request_context():
        answer = json_answer(429, {"errors": ["Wait."]}, {"Retry-After": "3"})
    assert answer.status_code == 429
    assert answer.get_json() == {
        "meta": {"code": 429},
        "response": {"errors": ["Wait."]},
    }
    assert answer.headers["Retry-After"] == "3"


def test_form_errors_put_csrf_first(app: Vial) -> None:
    with app.test_request_context("/login", method="POST", data={"email": "x"}):
        form = LoginForm()
        form.validate()
        messages, fields = form_errors(form, ["Another problem."])
    assert messages == [FORM_EXPIRED, "Another problem."]
    assert set(fields) == {"email", "password"}


def test_json_without_a_session_cookie_needs_no_token(app: Vial) -> None:
    with app.test_request_context("/login", method="POST", json={}):
        assert make_form(LoginForm).meta.csrf is False
    with app.test_request_context(
        "/login", method="POST", json={}, headers={"Cookie": "session=x"}
    ):
        assert make_form(LoginForm).meta.csrf is True
    with app.test_request_context("/login", method="POST", data={}):
        assert make_form(LoginForm).meta.csrf is True


def test_targets(app: Vial) -> None:
    app.config["ACCOUNTS_POST_LOGIN_VIEW"] = "accounts.change_password"
    with app.test_request_context():
        assert next_url("/notes?x=1", "ACCOUNTS_POST_LOGIN_VIEW") == "/notes?x=1"
        for unsafe in ("//evil.example", "https://evil.example", "/\\evil", None, ""):
            assert next_url(unsafe, "ACCOUNTS_POST_LOGIN_VIEW") == "/change"
        app.config["ACCOUNTS_POST_LOGOUT_VIEW"] = None
        assert view_url("ACCOUNTS_POST_LOGOUT_VIEW") == "/"


def test_user_data() -> None:
    from vial_accounts import MemoryUser

    user = MemoryUser(1, email="ann@example.com", fs_uniquifier="u", password="hash")
    assert user_data(user) == {"email": "ann@example.com", "confirmed_at": None}
