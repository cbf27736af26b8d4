from __future__ import annotations

import json
import typing as t

import pytest
from werkzeug.exceptions import BadRequest
from werkzeug.test import EnvironBuilder

import vial.ext
from vial import Vial
from vial.testing import VialClient
from vial_wtf.errors import CSRFError
from vial_wtf.errors import FORM_EXPIRED
from vial_wtf.errors import NegotiatedBadRequest
from vial_wtf.errors import wants_json


def _environ(**kwargs: t.Any) -> dict[str, t.Any]:
    return EnvironBuilder(method="POST", **kwargs).get_environ()


def test_negotiation_is_the_core_s() -> None:
    # The public name stays; the logic lives once, in vial.ext.
    assert wants_json is vial.ext.wants_json
    assert issubclass(NegotiatedBadRequest, vial.ext.NegotiatedHTTPException)


@pytest.mark.parametrize("error_class", [NegotiatedBadRequest, CSRFError])
def test_json_rendering(error_class: type[NegotiatedBadRequest]) -> None:
    error = error_class("Something is wrong.")
    response = error.get_response(_environ(headers={"Accept": "application/json"}))
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(b"".join(response.response))  # type: ignore[arg-type]
    assert body == {"code": 400, "name": "Bad Request", "error": "Something is wrong."}


def test_html_rendering() -> None:
    error = CSRFError("Something is <wrong>.")
    for environ in (_environ(), None):
        response = error.get_response(environ)
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("text/html")
        html = b"".join(response.response).decode()  # type: ignore[arg-type]
        assert "<title>400 Bad Request</title>" in html
        assert "Something is &lt;wrong&gt;." in html


def test_csrf_error_is_a_bad_request_with_a_default_reason() -> None:
    assert issubclass(CSRFError, BadRequest)
    assert CSRFError().description == "CSRF validation failed."
    assert CSRFError(FORM_EXPIRED).code == 400


def test_raised_from_a_view(app: Vial, client: VialClient) -> None:
    @app.post("/")
    def view() -> str:
        raise NegotiatedBadRequest("Nope.")

    response = client.post("/", json={})
    assert response.status_code == 400
    assert response.json == {"code": 400, "name": "Bad Request", "error": "Nope."}
    response = client.post("/", data={"a": "b"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "<p>Nope.</p>" in response.text
