"""Regenerate ``flask_session_vectors.json`` with the real Flask as an oracle.

Run it with a Python that has Flask 3.1 installed, in a throwaway venv kept
outside the repository (vial never depends on Flask)::

    python3 -m venv /tmp/flask-oracle
    /tmp/flask-oracle/bin/pip install "flask==3.1.*"
    /tmp/flask-oracle/bin/python tests/data/make_flask_session_vectors.py

The tests read the JSON file and decode its inputs with :func:`decode` from
this script; they never run :func:`main` or import Flask.
Inputs are stored in a small self-describing encoding (``{"$type": ...}``)
that is independent of the tagged format under test.
"""

from __future__ import annotations

import base64
import importlib
import json
import typing as t
import uuid
from datetime import datetime
from pathlib import Path
from unittest import mock

HERE = Path(__file__).parent
TIMESTAMP = 1_700_000_000
SECRET_KEY = "vial-interop-secret"


def decode(value: t.Any) -> t.Any:
    """Turn the ``$type`` encoding of a case's inputs into Python values."""
    markupsafe = importlib.import_module("markupsafe")

    if isinstance(value, list):
        return [decode(v) for v in value]

    if not isinstance(value, dict):
        return value

    kind = value["$type"]

    if kind == "dict":
        return {k: decode(v) for k, v in value["items"]}

    if kind == "tuple":
        return tuple(decode(v) for v in value["items"])

    if kind == "bytes":
        return base64.b16decode(value["hex"].upper())

    if kind == "markup":
        return markupsafe.Markup(value["value"])

    if kind == "uuid":
        return uuid.UUID(value["value"])

    if kind == "datetime":
        return datetime.fromisoformat(value["iso"])

    raise ValueError(f"Unknown $type {kind!r}.")


def _d(**items: t.Any) -> dict[str, t.Any]:
    return {"$type": "dict", "items": [[k, v] for k, v in items.items()]}


CASES: list[dict[str, t.Any]] = [
    {"name": "scalars", "data": _d(user_id=42, name="Zoë", ok=True, none=None)},
    {"name": "nested", "data": _d(cart=[1, 2.5, "x", [3]], prefs=_d(a=1, b="2"))},
    {
        "name": "tuple",
        "data": _d(point={"$type": "tuple", "items": [1, "two", [3]]}),
    },
    {"name": "bytes", "data": _d(raw={"$type": "bytes", "hex": "00ff10616263"})},
    {"name": "markup", "data": _d(html={"$type": "markup", "value": "<b>hi</b>"})},
    {
        "name": "uuid",
        "data": _d(
            id={"$type": "uuid", "value": "12345678-1234-5678-1234-567812345678"}
        ),
    },
    {
        "name": "datetime",
        "data": _d(when={"$type": "datetime", "iso": "2023-11-14T22:13:20+00:00"}),
    },
    {
        "name": "dict_with_tag_key",
        "data": _d(
            tricky=_d(**{" t": [1, 2]}),
            nested_tag=_d(**{" di": {"$type": "tuple", "items": ["a"]}}),
        ),
    },
    {
        "name": "mixed",
        "data": _d(
            items=[
                {"$type": "tuple", "items": [{"$type": "bytes", "hex": "6869"}]},
                _d(
                    u={"$type": "uuid", "value": "00000000-0000-0000-0000-000000000001"}
                ),
            ],
            _flashes=[{"$type": "tuple", "items": ["message", "Saved."]}],
        ),
    },
    {"name": "permanent", "data": _d(user_id=7), "permanent": True},
    # Long repetitive data is zlib-compressed by itsdangerous (leading ".").
    {"name": "compressed", "data": _d(text="vial " * 60, n=list(range(30)))},
]


def main() -> None:
    """Write one Flask-made cookie per case, at a frozen timestamp."""
    flask = importlib.import_module("flask")
    vectors = []

    for case in CASES:
        app = flask.Flask("oracle")
        app.secret_key = SECRET_KEY
        data = decode(case["data"])
        permanent = case.get("permanent", False)

        def store(data: t.Any = data, permanent: bool = permanent) -> str:
            flask.session.update(data)

            if permanent:
                flask.session.permanent = True

            return ""

        app.add_url_rule("/", view_func=store)

        with mock.patch("time.time", return_value=float(TIMESTAMP)):
            response = app.test_client().get("/")

        header = response.headers["Set-Cookie"]
        cookie = header.split(";", 1)[0].split("=", 1)[1]
        vectors.append({**case, "cookie": cookie})

    payload = {
        "generator": "tests/data/make_flask_session_vectors.py",
        "flask_version": importlib.metadata.version("flask"),
        "itsdangerous_version": importlib.metadata.version("itsdangerous"),
        "secret_key": SECRET_KEY,
        "timestamp": TIMESTAMP,
        "cases": vectors,
    }
    out = HERE / "flask_session_vectors.json"
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    print(f"Wrote {len(vectors)} vectors to {out}.")


if __name__ == "__main__":
    main()
