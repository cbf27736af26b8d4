"""Cookie interoperability with Flask 3.1, proven with fixed vectors.

The vectors in ``data/flask_session_vectors.json`` were written by the real
Flask (see ``data/README.md``); these tests never import Flask.
"""

from __future__ import annotations

import importlib.util
import json
import typing as t
from pathlib import Path
from types import ModuleType

import pytest
from _session_helpers import cookie_value
from _session_helpers import freeze_time
from _session_helpers import register_session_views

from vial import session
from vial import Vial
from vial.sessions import session_json_serializer
from vial.testing import VialClient

DATA = Path(__file__).parent / "data"
VECTORS = json.loads((DATA / "flask_session_vectors.json").read_text("utf8"))


def _load_generator() -> ModuleType:
    # The script that wrote the vectors also defines their input encoding; its
    # module level needs only the standard library (Flask is imported in main).
    spec = importlib.util.spec_from_file_location(
        "make_flask_session_vectors", DATA / "make_flask_session_vectors.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_decode: t.Callable[[t.Any], t.Any] = _load_generator().decode


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
