from __future__ import annotations

import json

import pytest
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import TooManyRequests
from werkzeug.exceptions import Unauthorized

from vial import Vial
from vial.ext import negotiated_error
from vial.ext import NegotiatedHTTPException
from vial.ext import wants_json
from vial.testing import VialClient

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),
        ({"Accept": BROWSER_ACCEPT}, False),
        ({"Accept": "*/*"}, False),
        ({"Accept": "application/json"}, True),
        ({"Accept": "application/json, text/html;q=0.5"}, True),
        ({"Accept": "text/html, application/json"}, False),
        ({"Accept": "application/json;q=0.5, text/html;q=0.5"}, False),
        ({"Content-Type": "application/json"}, True),
        ({"Content-Type": "application/problem+json; charset=utf-8"}, True),
        ({"Content-Type": "application/x-www-form-urlencoded"}, False),
        ({"Accept": "application/json;q=bogus"}, False),
    ],
)
def test_wants_json(app: Vial, headers: dict[str, str], expected: bool) -> None:
    with app.test_request_context("/", headers=headers) as ctx:
        assert wants_json() is expected
        assert wants_json(ctx.request) is expected
        assert wants_json(ctx.request.environ) is expected


def test_wants_json_outside_a_request_is_false() -> None:
    assert wants_json() is False


class _Refused(NegotiatedHTTPException, BadRequest):
    description = "The form has expired."


def _app_raising(app: Vial, error: Exception) -> VialClient:
    @app.route("/")
    def index() -> str:
        raise error

    return app.test_client()


def test_a_json_client_gets_a_json_error(app: Vial) -> None:
    client = _app_raising(app, _Refused(json_extra={"field": "csrf_token"}))
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "code": 400,
        "name": "Bad Request",
        "error": "The form has expired.",
        "field": "csrf_token",
    }


def test_a_browser_gets_an_html_page(app: Vial) -> None:
    client = _app_raising(app, _Refused())
    response = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "The form has expired." in response.get_data(as_text=True)


def test_negotiated_error_has_werkzeugs_class_and_headers(app: Vial) -> None:
    error = negotiated_error(
        401,
        "The token has expired.",
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )
    assert isinstance(error, Unauthorized)
    assert isinstance(error, NegotiatedHTTPException)
    assert type(error) is type(negotiated_error(401))
    client = _app_raising(app, error)
    for accept in ("application/json", BROWSER_ACCEPT):
        response = client.get("/", headers={"Accept": accept})
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    body = json.loads(
        client.get("/", headers={"Accept": "application/json"}).get_data(as_text=True)
    )
    assert body["error"] == "The token has expired."


def test_the_apps_error_handler_wins(app: Vial) -> None:
    @app.errorhandler(429)
    def slow_down(error: TooManyRequests) -> tuple[str, int]:
        return f"handled: {error.description}", 429

    client = _app_raising(app, negotiated_error(429, "Try again in a minute."))
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.get_data(as_text=True) == "handled: Try again in a minute."


def test_an_unknown_status_code_is_refused() -> None:
    with pytest.raises(LookupError, match="no HTTP error with the status code 299"):
        negotiated_error(299)
