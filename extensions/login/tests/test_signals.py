from __future__ import annotations

import typing as t
from contextlib import ExitStack

import pytest
from backends import Backend
from support import log_in
from support import manager_of
from support import users

from vial import Vial
from vial.testing import VialClient
from vial_login import session_protected
from vial_login import session_rejected
from vial_login import session_revoked
from vial_login import user_accessed
from vial_login import user_loaded_from_cookie
from vial_login import user_loaded_from_request
from vial_login import user_logged_in
from vial_login import user_logged_out
from vial_login import user_login_confirmed
from vial_login import user_needs_refresh
from vial_login import user_unauthorized

Received = list[tuple[str, t.Any, dict[str, t.Any]]]


@pytest.fixture
def received() -> t.Iterator[Received]:
    log: Received = []
    signals = {
        "logged_in": user_logged_in,
        "logged_out": user_logged_out,
        "from_cookie": user_loaded_from_cookie,
        "from_request": user_loaded_from_request,
        "confirmed": user_login_confirmed,
        "unauthorized": user_unauthorized,
        "needs_refresh": user_needs_refresh,
        "accessed": user_accessed,
        "protected": session_protected,
        "revoked": session_revoked,
        "rejected": session_rejected,
    }
    with ExitStack() as stack:
        for name, signal in signals.items():

            def receiver(sender: t.Any, _name: str = name, **kwargs: t.Any) -> None:
                log.append((_name, sender, kwargs))

            stack.enter_context(signal.connected_to(receiver))
        yield log


def _names(log: Received) -> list[str]:
    return [name for name, _, _ in log if name != "accessed"]


def test_login_logout_signals(
    app: Vial, client: VialClient, received: Received
) -> None:
    alice = users(app).by_name("alice")
    log_in(client)
    assert received == [("logged_in", app, {"user": alice})]
    received.clear()
    client.post("/logout")
    assert [(n, s, k) for n, s, k in received if n != "accessed"] == [
        ("logged_out", app, {"user": alice})
    ]


def test_accessed_unauthorized_and_refresh_signals(
    app: Vial, client: VialClient, received: Received
) -> None:
    client.get("/protected")
    assert received == [("accessed", app, {}), ("unauthorized", app, {})]
    log_in(client)
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    received.clear()
    client.get("/fresh")
    assert _names(received) == ["needs_refresh"]
    received.clear()
    client.post("/reauth")
    assert received == [("confirmed", app, {})]


def test_cookie_and_request_signals(
    app: Vial, client: VialClient, received: Received
) -> None:
    alice = users(app).by_name("alice")
    bob = users(app).by_name("bob")
    log_in(client, remember=True)
    browser = app.test_client()
    browser.set_cookie("remember_token", client.get_cookie("remember_token").value)  # type: ignore[union-attr]
    received.clear()
    browser.get("/protected")
    assert [(n, s, k) for n, s, k in received if n != "accessed"] == [
        ("from_cookie", app, {"user": alice})
    ]
    manager_of(app).request_loader(lambda request: bob)
    received.clear()
    app.test_client().get("/protected")
    assert [(n, s, k) for n, s, k in received if n != "accessed"] == [
        ("from_request", app, {"user": bob})
    ]


def test_session_protected_signal(
    app: Vial, client: VialClient, received: Received
) -> None:
    log_in(client)
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "Other/1.0"
    thief.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    received.clear()
    thief.get("/protected")
    assert ("protected", app, {}) in received
    received.clear()
    client.get("/protected")
    assert "protected" not in _names(received)


def _registry_log(log: Received) -> list[tuple[str, dict[str, t.Any]]]:
    return [(n, k) for n, _, k in log if n in ("revoked", "rejected")]


def _login_id(client: VialClient) -> str:
    with client.session_transaction() as sess:
        return str(sess["_login_id"])


def test_session_revoked_signal(backend: Backend, received: Received) -> None:
    app = backend.make_app()
    alice, bob = users(app).by_name("alice"), users(app).by_name("bob")
    assert alice is not None
    assert bob is not None
    client = app.test_client()
    log_in(client)
    first = _login_id(client)
    log_in(client, "bob")
    second = _login_id(client)
    client.post("/logout")
    log_in(client)
    third = _login_id(client)
    client.post("/logout-everywhere")
    log_in(client)
    fourth = _login_id(client)
    app.test_client().post(f"/admin/sessions/{fourth}/revoke")
    revoked = [(s, k) for n, s, k in received if n == "revoked"]
    assert revoked == [
        (app, {"session_id": first, "user_id": alice.get_id(), "reason": "login"}),
        (app, {"session_id": second, "user_id": bob.get_id(), "reason": "logout"}),
        (
            app,
            {
                "session_id": third,
                "user_id": alice.get_id(),
                "reason": "logout_everywhere",
            },
        ),
        (app, {"session_id": fourth, "user_id": alice.get_id(), "reason": "revoked"}),
    ]


def test_session_rejected_signal(backend: Backend, received: Received) -> None:
    app = backend.make_app()
    alice = users(app).by_name("alice")
    assert alice is not None
    client = app.test_client()
    log_in(client, remember=True)
    login_id = _login_id(client)
    session_copy, cookie_copy = app.test_client(), app.test_client()
    session_copy.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    cookie_copy.set_cookie(
        "remember_token",
        client.get_cookie("remember_token").value,  # type: ignore[union-attr]
    )
    client.post("/logout")
    received.clear()
    session_copy.get("/protected")
    cookie_copy.get("/protected")
    expected = {"session_id": login_id, "user_id": alice.get_id()}
    assert _registry_log(received) == [
        ("rejected", {**expected, "source": "session"}),
        ("rejected", {**expected, "source": "remember"}),
    ]
