"""HTTPAuth: login_required, error handlers, roles, the request's user."""

from __future__ import annotations

import typing as t

import pytest
from support import bearer
from support import JSON

from vial import Response
from vial import Vial
from vial.ext import get_request_user
from vial_tokens import HTTPAuth
from vial_tokens import HTTPTokenAuth
from vial_tokens.signals import authentication_failed

TOKENS = {"alice-token": "alice", "bob-token": "bob", "robot-token": "robot"}
ROLES = {"alice": ["admin", "editor"], "bob": "reader"}


class Person:
    def __init__(self, name: str) -> None:
        self.name = name


@pytest.fixture
def auth(app: Vial) -> HTTPTokenAuth:
    auth = HTTPTokenAuth()

    @auth.verify_token
    def verify(token: str) -> t.Any:
        name = TOKENS.get(token)
        if name == "robot":
            return True  # a valid token without a user object
        return None if name is None else Person(name)

    @auth.get_user_roles
    def roles(user: t.Any) -> t.Any:
        return ROLES.get(getattr(user, "name", ""))

    @app.route("/plain", methods=["GET", "OPTIONS"])
    @auth.login_required
    def plain() -> str:
        user = auth.current_user()
        return getattr(user, "name", repr(user))

    @app.get("/optional")
    @auth.login_required(optional=True)
    def optional() -> str:
        return repr(auth.current_user())

    @app.get("/admin")
    @auth.login_required(role="admin")
    def admin() -> str:
        return "admin"

    @app.get("/admin-or-reader")
    @auth.login_required(role=["admin", "reader"])
    def admin_or_reader() -> str:
        return "either"

    @app.get("/admin-and-editor")
    @auth.login_required(role=[("admin", "editor")])
    def admin_and_editor() -> str:
        return "both"

    @app.get("/async")
    @auth.login_required
    async def async_view() -> str:
        return "async"

    return auth


def test_bare_and_called_forms(app: Vial, auth: HTTPTokenAuth) -> None:
    client = app.test_client()
    assert client.get("/plain", headers=bearer("alice-token")).text == "alice"
    assert client.get("/plain").status_code == 401
    assert client.get("/optional").text == "None"
    assert client.get("/optional", headers=bearer("nope")).text == "None"
    assert "Person" in client.get("/optional", headers=bearer("bob-token")).text


def test_view_and_arguments_together_is_an_error(auth: HTTPTokenAuth) -> None:
    with pytest.raises(ValueError, match="not both"):
        auth.login_required(lambda: "x", role="admin")  # type: ignore[call-overload]


def test_options_requests_pass(app: Vial, auth: HTTPTokenAuth) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    response = app.test_client().options("/plain")
    assert response.status_code == 200
    assert "WWW-Authenticate" not in response.headers


def test_async_views_and_callbacks(app: Vial) -> None:
    auth = HTTPTokenAuth()

    @auth.verify_token
    async def verify(token: str) -> str | None:
        return "ann" if token == "t" else None

    @app.get("/a")
    @auth.login_required
    async def view() -> str:
        return str(auth.current_user())

    assert app.test_client().get("/a", headers=bearer("t")).text == "ann"


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        ("/admin", "alice-token", 200),
        ("/admin", "bob-token", 403),
        ("/admin-or-reader", "bob-token", 200),
        ("/admin-and-editor", "alice-token", 200),
        ("/admin-and-editor", "bob-token", 403),
        ("/admin", "nope", 401),
    ],
)
def test_roles(
    app: Vial, auth: HTTPTokenAuth, path: str, token: str, status: int
) -> None:
    assert app.test_client().get(path, headers=bearer(token)).status_code == status


def test_roles_of_a_user_given_as_true_come_from_the_credentials(app: Vial) -> None:
    auth = HTTPTokenAuth()
    auth.verify_token(lambda token: True)
    seen: list[t.Any] = []

    @auth.get_user_roles
    def roles(credentials: t.Any) -> set[str]:
        seen.append(credentials.token)
        return {"admin"}

    @app.get("/r")
    @auth.login_required(role="admin")
    def r() -> str:
        return "ok"

    assert app.test_client().get("/r", headers=bearer("abc")).text == "ok"
    assert seen == ["abc"]


def test_a_role_without_roles_callback_is_a_clear_error(app: Vial) -> None:
    auth = HTTPTokenAuth()
    auth.verify_token(lambda token: True)

    @app.get("/r")
    @auth.login_required(role="admin")
    def r() -> str:
        return "ok"

    app.testing = True
    with pytest.raises(ValueError, match="get_user_roles"):
        app.test_client().get("/r", headers=bearer("abc"))


def test_a_true_user_shows_as_the_user_name(app: Vial, auth: HTTPTokenAuth) -> None:
    # Tokens carry no user name.
    assert app.test_client().get("/plain", headers=bearer("robot-token")).text == "None"


def test_default_refusals_are_negotiated(app: Vial, auth: HTTPTokenAuth) -> None:
    client = app.test_client()
    response = client.get("/admin", headers={**bearer("bob-token"), **JSON})
    assert response.status_code == 403
    assert response.json == {
        "code": 403,
        "name": "Forbidden",
        "error": (
            "The credentials are valid, but they do not grant access to this resource."
        ),
        "reason": "forbidden",
    }
    assert "WWW-Authenticate" in response.headers
    page = client.get("/admin", headers=bearer("bob-token"))
    assert page.mimetype == "text/html"


def test_the_app_can_handle_the_refusal(app: Vial, auth: HTTPTokenAuth) -> None:
    @app.errorhandler(401)
    def unauthorized(error: Exception) -> tuple[str, int]:
        return "please log in", 401

    response = app.test_client().get("/plain")
    assert (response.status_code, response.text) == (401, "please log in")


@pytest.mark.parametrize(
    ("result", "status", "has_own_header"),
    [
        ("error", 401, False),
        (("error", 403), 403, False),
        (("error", 200), 200, False),
        (Response("error"), 200, False),
        (("error", 401, {"WWW-Authenticate": 'Custom realm="x"'}), 401, True),
    ],
)
def test_error_handler_results(
    app: Vial, result: t.Any, status: int, has_own_header: bool
) -> None:
    auth = HTTPTokenAuth()
    auth.verify_token(lambda token: None)
    handler = auth.error_handler(lambda: result)
    assert callable(handler)

    @app.get("/e")
    @auth.login_required
    def e() -> str:
        return "in"

    response = app.test_client().get("/e")
    assert response.status_code == status
    expected = (
        'Custom realm="x"'
        if has_own_header
        else 'Bearer realm="Authentication Required"'
    )
    assert response.headers["WWW-Authenticate"] == expected


def test_error_handler_with_the_status(app: Vial, auth: HTTPTokenAuth) -> None:
    statuses: list[int] = []

    @auth.error_handler
    def handler(status: int) -> tuple[str, int]:
        statuses.append(status)
        return f"refused {status}", status

    client = app.test_client()
    assert client.get("/admin").status_code == 401
    assert client.get("/admin", headers=bearer("bob-token")).text == "refused 403"
    assert statuses == [401, 403]


def test_async_error_handler(app: Vial, auth: HTTPTokenAuth) -> None:
    @auth.error_handler
    async def handler() -> str:
        return "async refusal"

    response = app.test_client().get("/plain")
    assert (response.status_code, response.text) == (401, "async refusal")


def test_current_user_is_none_in_the_error_handler(
    app: Vial, auth: HTTPTokenAuth
) -> None:
    seen: list[t.Any] = []

    @auth.error_handler
    def handler() -> str:
        seen.append(auth.current_user())
        return "no"

    app.test_client().get("/plain", headers=bearer("nope"))
    assert seen == [None]


def test_current_user_and_username_outside_a_request(auth: HTTPTokenAuth) -> None:
    assert auth.current_user() is None
    assert auth.username() == ""


def test_only_user_objects_become_the_request_user(
    app: Vial, auth: HTTPTokenAuth
) -> None:
    @app.get("/who")
    @auth.login_required
    def who() -> str:
        return repr(get_request_user())

    client = app.test_client()
    assert "Person" in client.get("/who", headers=bearer("alice-token")).text
    assert client.get("/who", headers=bearer("robot-token")).text == "None"


def test_authentication_failed_is_sent(app: Vial, auth: HTTPTokenAuth) -> None:
    received: list[dict[str, t.Any]] = []

    def on_failed(sender: Vial, **kwargs: t.Any) -> None:
        received.append(kwargs)

    client = app.test_client()
    with authentication_failed.connected_to(on_failed, app):
        client.get("/plain")
        client.get("/plain", headers=bearer("nope"))
        client.get("/admin", headers=bearer("bob-token"))
        client.get("/optional")  # optional: no refusal
        client.get("/plain", headers=bearer("alice-token"))
    assert [(r["status"], r["reason"]) for r in received] == [
        (401, "missing"),
        (401, "invalid"),
        (403, "forbidden"),
    ]
    assert all(r["auth"] is auth for r in received)


def test_the_base_class_checks_nothing(app: Vial) -> None:
    auth = HTTPAuth(scheme="Custom")
    with app.test_request_context(), pytest.raises(NotImplementedError):
        auth.authenticate(None, None)
    assert auth.realm == "Authentication Required"
    with app.test_request_context():
        assert auth.authenticate_header() == 'Custom realm="Authentication Required"'
