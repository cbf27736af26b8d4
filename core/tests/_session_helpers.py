"""Helpers shared by the session test modules."""

from __future__ import annotations

import time
import typing as t

import pytest

from vial import session
from vial import Vial
from vial.sessions import SecureCookieSessionInterface


def freeze_time(monkeypatch: pytest.MonkeyPatch, ts: float) -> None:
    # itsdangerous stamps and checks signatures with time.time().
    monkeypatch.setattr(time, "time", lambda: ts)


def set_cookie_headers(response: t.Any) -> list[str]:
    return response.headers.getlist("Set-Cookie")  # type: ignore[no-any-return]


def cookie_value(header: str) -> str:
    return header.split(";", 1)[0].split("=", 1)[1]


def register_session_views(app: Vial) -> list[dict[str, t.Any]]:
    """Register views that read and write the session; collect what they read."""
    records: list[dict[str, t.Any]] = []

    @app.get("/read")
    def read() -> str:
        records.append(dict(session))
        return "read"

    @app.get("/set/<key>/<value>")
    def set_value(key: str, value: str) -> str:
        session[key] = value
        return "set"

    @app.get("/permanent")
    def make_permanent() -> str:
        session["user"] = "ann"
        session.permanent = True
        return "permanent"

    @app.get("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.get("/untouched")
    def untouched() -> str:
        return "untouched"

    @app.get("/contains")
    def contains() -> str:
        return str("user" in session)

    return records


def signed(app: Vial, data: object, key: str | None = None) -> str:
    if key is not None:
        app.config["SECRET_KEY"], old = key, app.config["SECRET_KEY"]
    signer = SecureCookieSessionInterface().get_signing_serializer(app)
    if key is not None:
        app.config["SECRET_KEY"] = old
    assert signer is not None
    return signer.dumps(data)
