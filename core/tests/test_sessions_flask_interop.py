"""Cookie interoperability with Flask 3.1, proven with fixed vectors.

The vectors in ``data/flask_session_vectors.json`` were written by the real
Flask (see ``data/README.md``); these tests never import Flask.
"""

from __future__ import annotations

import base64
import json
import typing as t
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from _session_helpers import cookie_value
from _session_helpers import freeze_time
from _session_helpers import register_session_views
from markupsafe import Markup

from vial import session
from vial import Vial
from vial.sessions import session_json_serializer
from vial.testing import VialClient

VECTORS = json.loads(
    (Path(__file__).parent / "data" / "flask_session_vectors.json").read_text("utf8")
)


def _decode(value: t.Any) -> t.Any:
    """Decode the ``$type`` encoding of the vector inputs (see data/README)."""
    if isinstance(value, list):
        return [_decode(v) for v in value]

    if not isinstance(value, dict):
        return value

    kind = value["$type"]

    if kind == "dict":
        return {k: _decode(v) for k, v in value["items"]}

    if kind == "tuple":
        return tuple(_decode(v) for v in value["items"])

    if kind == "bytes":
        return base64.b16decode(value["hex"].upper())

    if kind == "markup":
        return Markup(value["value"])

    if kind == "uuid":
        return uuid.UUID(value["value"])

    assert kind == "datetime", kind
    return datetime.fromisoformat(value["iso"])


@pytest.fixture
def seen(app: Vial) -> list[dict[str, t.Any]]:
    return register_session_views(app)


# Interoperability with Flask's cookies


CASES = VECTORS["cases"]
CASE_IDS = [case["name"] for case in CASES]


def _expected(case: dict[str, t.Any]) -> dict[str, t.Any]:
    data: dict[str, t.Any] = _decode(case["data"])

    if case.get("permanent"):
        data["_permanent"] = True

    return data


def test_vectors_cover_every_tag() -> None:
    cookies = "".join(
        json.dumps(session_json_serializer.tag(_expected(c))) for c in CASES
    )
    for key in (" t", " b", " m", " u", " d", " di"):
        assert f'"{key}"' in cookies


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_reads_flask_cookie(
    app: Vial,
    client: VialClient,
    seen: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
    case: dict[str, t.Any],
) -> None:
    app.secret_key = VECTORS["secret_key"]
    freeze_time(monkeypatch, VECTORS["timestamp"] + 10)
    client.set_cookie("session", case["cookie"])
    assert client.get("/read").status_code == 200

    expected = _expected(case)
    assert seen == [expected]

    for key, value in expected.items():
        assert type(seen[0][key]) is type(value)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_writes_flask_identical_cookie(
    app: Vial,
    client: VialClient,
    monkeypatch: pytest.MonkeyPatch,
    case: dict[str, t.Any],
) -> None:
    app.secret_key = VECTORS["secret_key"]
    data = _decode(case["data"])

    @app.get("/write")
    def write() -> str:
        session.update(data)

        if case.get("permanent"):
            session.permanent = True

        return ""

    freeze_time(monkeypatch, VECTORS["timestamp"])
    rv = client.get("/write")
    assert cookie_value(rv.headers["Set-Cookie"]) == case["cookie"]


def test_reads_flask_cookie_with_key_as_fallback(
    app: Vial,
    client: VialClient,
    seen: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app.secret_key = "rotated"
    app.config["SECRET_KEY_FALLBACKS"] = [VECTORS["secret_key"]]
    freeze_time(monkeypatch, VECTORS["timestamp"] + 10)
    case = CASES[0]
    client.set_cookie("session", case["cookie"])
    client.get("/read")
    assert seen == [_expected(case)]


def test_flask_cookie_expires_like_any_other(
    app: Vial,
    client: VialClient,
    seen: list[dict[str, t.Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app.secret_key = VECTORS["secret_key"]
    lifetime = app.permanent_session_lifetime.total_seconds()
    freeze_time(monkeypatch, VECTORS["timestamp"] + lifetime + 1)
    client.set_cookie("session", CASES[0]["cookie"])
    assert client.get("/read").status_code == 200
    assert seen == [{}]
