"""MultiAuth: the first scheme the request uses checks it."""

from __future__ import annotations

import pytest
from support import basic
from support import bearer

from vial import Vial
from vial_tokens import HTTPBasicAuth
from vial_tokens import HTTPTokenAuth
from vial_tokens import MultiAuth


@pytest.fixture
def multi(app: Vial) -> MultiAuth:
    basic_auth = HTTPBasicAuth()
    basic_auth.verify_password(lambda u, p: u if (u, p) == ("ann", "pw") else None)
    basic_auth.get_user_roles(lambda user: "admin")
    token_auth = HTTPTokenAuth("Token")
    token_auth.verify_token(lambda token: "robot" if token == "t" else None)
    token_auth.get_user_roles(lambda user: "reader")
    key_auth = HTTPTokenAuth(header="X-Key")
    key_auth.verify_token(lambda token: "key" if token == "k" else None)
    multi = MultiAuth(basic_auth, token_auth, key_auth)

    @app.get("/m")
    @multi.login_required
    def view() -> str:
        return str(multi.current_user())

    @app.get("/admin")
    @multi.login_required(role="admin")
    def admin() -> str:
        return "admin"

    @app.get("/maybe")
    @multi.login_required(optional=True)
    def maybe() -> str:
        return str(multi.current_user())

    return multi


def test_each_scheme(app: Vial, multi: MultiAuth) -> None:
    client = app.test_client()
    assert client.get("/m", headers=basic("ann", "pw")).text == "ann"
    assert client.get("/m", headers=bearer("t", "Token")).text == "robot"
    assert client.get("/m", headers={"X-Key": "k"}).text == "key"


def test_refusals_come_from_the_scheme_used(app: Vial, multi: MultiAuth) -> None:
    client = app.test_client()
    for headers, scheme in [
        ({}, "Basic"),
        (basic("ann", "bad"), "Basic"),
        (bearer("bad", "Token"), "Token"),
        ({"X-Key": "bad"}, "Bearer"),
        ({"Authorization": "Unknown x"}, "Basic"),
        ({"Authorization": "noscheme"}, "Basic"),
    ]:
        response = client.get("/m", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith(scheme + " ")


def test_roles_and_optional(app: Vial, multi: MultiAuth) -> None:
    client = app.test_client()
    assert client.get("/admin", headers=basic("ann", "pw")).status_code == 200
    assert client.get("/admin", headers=bearer("t", "Token")).status_code == 403
    assert client.get("/maybe").text == "None"
    assert client.get("/maybe", headers=bearer("t", "Token")).text == "robot"


def test_view_and_arguments_together_is_an_error(multi: MultiAuth) -> None:
    with pytest.raises(ValueError, match="not both"):
        multi.login_required(lambda: "x", optional=True)  # type: ignore[call-overload]


def test_current_user_outside_a_request(multi: MultiAuth) -> None:
    assert multi.current_user() is None
