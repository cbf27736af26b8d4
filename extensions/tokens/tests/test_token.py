"""HTTPTokenAuth: the token from Authorization or from a header of its own."""

from __future__ import annotations

import pytest
from support import basic
from support import bearer

from vial import Vial
from vial.ext import has_api_credentials
from vial_tokens import HTTPTokenAuth


def make_app(app: Vial, **options: str) -> HTTPTokenAuth:
    auth = HTTPTokenAuth(**options)
    seen: list[str] = []

    @auth.verify_token
    def verify(token: str) -> str | None:
        seen.append(token)
        return "ann" if token == "the-token" else None

    @app.get("/t")
    @auth.login_required
    def view() -> str:
        return str(auth.current_user())

    app.config["SEEN_TOKENS"] = seen
    return auth


def test_bearer_tokens(app: Vial) -> None:
    make_app(app)
    client = app.test_client()
    assert client.get("/t", headers=bearer("the-token")).text == "ann"
    assert client.get("/t", headers=bearer("the-token", "bearer")).text == "ann"
    response = client.get("/t", headers=bearer("wrong"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="Authentication Required"'
    )


def test_a_scheme_and_realm_of_its_own(app: Vial) -> None:
    make_app(app, scheme="Token", realm="api")
    client = app.test_client()
    assert client.get("/t", headers=bearer("the-token", "Token")).text == "ann"
    response = client.get("/t", headers=bearer("the-token"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Token realm="api"'


@pytest.mark.parametrize("value", ["Bearer", "Bearer ", "Bearer    ", "the-token"])
def test_empty_or_schemeless_values_never_reach_the_callback(
    app: Vial, value: str
) -> None:
    make_app(app)
    response = app.test_client().get("/t", headers={"Authorization": value})
    assert response.status_code == 401
    assert app.config["SEEN_TOKENS"] == []


def test_a_custom_header(app: Vial) -> None:
    make_app(app, header="X-API-Key")
    client = app.test_client()
    assert client.get("/t", headers={"X-API-Key": "the-token"}).text == "ann"
    # The custom header wins over Authorization, which is not read.
    both = {**basic("ann", "pw"), "X-API-Key": "the-token"}
    assert client.get("/t", headers=both).text == "ann"
    assert client.get("/t", headers=bearer("the-token")).status_code == 401
    assert client.get("/t", headers={"X-API-Key": ""}).status_code == 401


def test_without_verify_token_every_token_is_refused(app: Vial) -> None:
    auth = HTTPTokenAuth()

    @app.get("/t")
    @auth.login_required
    def view() -> str:
        return "in"

    assert app.test_client().get("/t", headers=bearer("x")).status_code == 401


def test_init_app_marks_token_requests_as_api_requests(app: Vial) -> None:
    auth = make_app(app, header="X-API-Key")
    with app.test_request_context(headers={"X-API-Key": "k"}):
        assert not has_api_credentials()
    auth.init_app(app)
    with app.test_request_context(headers={"X-API-Key": "k"}):
        assert has_api_credentials()
    with app.test_request_context():
        assert not has_api_credentials()
