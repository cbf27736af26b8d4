"""Listing and ending logins: active_sessions, revoke_session, logout_everywhere."""

from __future__ import annotations

import typing as t
from datetime import datetime

import pytest
from backends import Backend
from backends import registry_of
from support import body
from support import log_in
from support import users
from werkzeug.test import TestResponse

from vial import Vial
from vial.testing import VialClient
from vial_login import active_sessions
from vial_login import current_session_id
from vial_login import get_session_registry
from vial_login import logout_everywhere


def _browser(app: Vial, agent: str, address: str) -> VialClient:
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=agent, REMOTE_ADDR=address)
    return client


def _authenticated(client: VialClient) -> bool:
    return bool(body(client.get("/me"))["authenticated"])


def _sessions(client: VialClient) -> dict[str, t.Any]:
    return body(client.get("/sessions"))


def _ended(response: TestResponse) -> t.Any:
    assert response.status_code == 200, response.text
    return body(response)["ended"]


PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def test_a_user_sees_their_sessions(backend: Backend) -> None:
    app = backend.make_app()
    phone = _browser(app, PHONE, "198.51.100.1")
    laptop = _browser(app, LAPTOP, "198.51.100.2")
    log_in(phone)
    log_in(laptop, remember=True)
    log_in(app.test_client(), "bob")
    listed = _sessions(laptop)
    devices = [(s["device"], s["address"]) for s in listed["sessions"]]
    # The most recently seen first; bob's session is not alice's business.
    assert devices == [
        ("Firefox on Linux", "198.51.100.2"),
        ("Chrome on Android", "198.51.100.1"),
    ]
    assert listed["current"] == listed["sessions"][0]["id"]
    for session in listed["sessions"]:
        assert datetime.fromisoformat(session["created"]).tzinfo is not None
        assert session["last_seen"] == session["created"]


def test_a_user_ends_another_of_their_sessions(backend: Backend) -> None:
    app = backend.make_app()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone, remember=True)
    log_in(laptop)
    phone_id = _sessions(phone)["current"]
    assert _ended(laptop.post(f"/sessions/{phone_id}/end")) is True
    assert not _authenticated(phone)
    assert _authenticated(laptop)
    assert _ended(laptop.post(f"/sessions/{phone_id}/end")) is False


def test_a_user_cannot_end_someone_elses_session(backend: Backend) -> None:
    app = backend.make_app()
    alice, bob = app.test_client(), app.test_client()
    log_in(alice)
    log_in(bob, "bob")
    alice_id = _sessions(alice)["current"]
    assert _ended(bob.post(f"/sessions/{alice_id}/end")) is False
    assert _authenticated(alice)


def test_ending_the_current_session_logs_it_out(backend: Backend) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client, remember=True)
    current = _sessions(client)["current"]
    assert _ended(client.post(f"/sessions/{current}/end")) is True
    assert not _authenticated(client)
    assert client.get_cookie("remember_token") is None


def test_an_admin_revokes_one_session(backend: Backend) -> None:
    app = backend.make_app()
    first, second, bob = app.test_client(), app.test_client(), app.test_client()
    log_in(first)
    log_in(second)
    log_in(bob, "bob")
    target = _sessions(first)["current"]
    assert _ended(app.test_client().post(f"/admin/sessions/{target}/revoke")) is True
    assert not _authenticated(first)
    assert _authenticated(second)
    assert _authenticated(bob)
    assert len(_sessions(second)["sessions"]) == 1


def test_logout_everywhere(backend: Backend) -> None:
    app = backend.make_app()
    phone, laptop, bob = app.test_client(), app.test_client(), app.test_client()
    log_in(phone, remember=True)
    log_in(laptop, remember=True)
    log_in(bob, "bob")
    remembered = app.test_client()
    cookie = phone.get_cookie("remember_token")
    assert cookie is not None
    remembered.set_cookie("remember_token", cookie.value)

    assert _ended(laptop.post("/logout-everywhere")) == 2
    assert not _authenticated(laptop)
    assert laptop.get_cookie("remember_token") is None
    assert not _authenticated(phone)
    assert not _authenticated(remembered)
    assert _authenticated(bob)
    # A new login works as usual.
    log_in(phone)
    assert _authenticated(phone)
    assert len(_sessions(phone)["sessions"]) == 1


def test_logout_everywhere_but_here(backend: Backend) -> None:
    app = backend.make_app()
    phone, laptop = app.test_client(), app.test_client()
    log_in(phone)
    log_in(laptop)
    assert _ended(laptop.post("/logout-everywhere?keep=yes")) == 1
    assert _authenticated(laptop)
    assert not _authenticated(phone)
    assert [s["id"] for s in _sessions(laptop)["sessions"]] == [
        _sessions(laptop)["current"]
    ]


def test_an_admin_logs_a_user_out_everywhere(backend: Backend) -> None:
    app = backend.make_app()
    alice, admin = app.test_client(), app.test_client()
    log_in(alice)
    log_in(admin, "bob")
    carol = users(app).by_name("carol")  # inactive: cannot log in, but had logins
    assert carol is not None
    with app.test_request_context():
        registry_of(app).open(carol.get_id())
    with app.test_request_context():
        assert logout_everywhere(users(app).by_name("alice")) == 1
        assert logout_everywhere(carol) == 1
    assert not _authenticated(alice)
    assert _authenticated(admin)


def test_the_anonymous_user_has_no_sessions(backend: Backend) -> None:
    app = backend.make_app()
    assert _sessions(app.test_client()) == {"current": None, "sessions": []}
    with app.test_request_context():
        assert logout_everywhere() == 0
        assert active_sessions() == []
        assert current_session_id() is None


def test_without_a_registry(app: Vial) -> None:
    with app.test_request_context():
        with pytest.raises(RuntimeError, match="LOGIN_SESSION_REGISTRY"):
            get_session_registry()
        with pytest.raises(RuntimeError, match="LOGIN_SESSION_REGISTRY"):
            logout_everywhere()
        assert current_session_id() is None
