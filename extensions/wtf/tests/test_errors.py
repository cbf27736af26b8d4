from __future__ import annotations

import json
import typing as t

import pytest
from werkzeug.test import EnvironBuilder

from vial import Vial
from vial.testing import VialClient
from vial_wtf.errors import NegotiatedBadRequest
from vial_wtf.errors import wants_json


def _environ(**kwargs: t.Any) -> dict[str, t.Any]:
    return EnvironBuilder(method="POST", **kwargs).get_environ()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"content_type": "application/json"}, True),
        ({"content_type": "application/json; charset=utf-8"}, True),
        ({"content_type": "application/problem+json"}, True),
        ({"content_type": "APPLICATION/JSON"}, True),
        ({"content_type": "application/x-www-form-urlencoded"}, False),
        ({"headers": {"Accept": "application/json"}}, True),
        ({"headers": {"Accept": "application/json, text/html;q=0.9"}}, True),
        ({"headers": {"Accept": "text/html, application/json"}}, False),
        ({"headers": {"Accept": "text/html;q=0.5, application/json;q=0.5"}}, False),
        ({"headers": {"Accept": "*/*"}}, False),
        ({"headers": {"Accept": "image/png"}}, False),
        ({"headers": {"Accept": ";;;garbage"}}, False),
        ({}, False),
    ],
)
def test_wants_json(kwargs: dict[str, t.Any], expected: bool) -> None:
    assert wants_json(_environ(**kwargs)) is expected


def test_json_rendering() -> None:
    error = NegotiatedBadRequest("Something is wrong.")
    response = error.get_response(_environ(headers={"Accept": "application/json"}))
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(b"".join(response.response))  # type: ignore[arg-type]
    assert body == {"code": 400, "name": "Bad Request", "error": "Something is wrong."}


def test_html_rendering() -> None:
    error = NegotiatedBadRequest("Something is <wrong>.")
    for environ in (_environ(), None):
        response = error.get_response(environ)
        assert response.status_code == 400
        assert response.headers["Content-Type"].startswith("text/html")
        html = b"".join(response.response).decode()  # type: ignore[arg-type]
        assert "<title>400 Bad Request</title>" in html
        assert "Something is &lt;wrong&gt;." in html


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
