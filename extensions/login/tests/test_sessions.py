"""The session policy at login and logout, for login_user and remember-me logins."""

from __future__ import annotations

import typing as t
from collections.abc import Iterator

import pytest
from support import body
from support import log_in
from support import manager_of
from support import users

from vial import session
from vial import Vial
from vial.ext import identity_changed
from vial.testing import VialClient
from vial_login import login_user
from vial_login.sessions import create_identifier

Changes = list[tuple[t.Any, dict[str, t.Any]]]


@pytest.fixture
def changes() -> Iterator[Changes]:
    """Every identity_changed signal sent during the test."""
    log: Changes = []

    def receiver(sender: t.Any, **kwargs: t.Any) -> None:
        log.append((sender, kwargs))

    with identity_changed.connected_to(receiver):
        yield log


def _remembered_browser(app: Vial, name: str = "alice") -> VialClient:
    """A browser holding only the remember-me cookie of ``name``'s login."""
    login_browser = app.test_client()
    log_in(login_browser, name, remember=True)
    cookie = login_browser.get_cookie("remember_token")
    assert cookie is not None
    browser = app.test_client()
    browser.set_cookie("remember_token", cookie.value)
    return browser


def _plant(client: VialClient, **values: t.Any) -> None:
    with client.session_transaction() as sess:
        sess.update(values)


def _session(client: VialClient) -> dict[str, t.Any]:
    with client.session_transaction() as sess:
        return dict(sess)


# login_user


def test_anonymous_session_keeps_its_data(
    app: Vial, client: VialClient, changes: Changes
) -> None:
    # A cart, and a form's CSRF secret from before the login; plus values
    # of vial-login's own that must never pass into a login.
    _plant(
        client,
        cart=["book"],
        csrf_secret="from before",
        _fresh=False,
        _remember="set",
        _remember_seconds=1.0,
        _id="planted",
    )
    before = client.get_cookie("session")
    assert before is not None
    log_in(client)
    data = _session(client)
    assert data["cart"] == ["book"]
    assert data["csrf_secret"] == "from before"
    assert data["_fresh"] is True
    assert data["_id"] != "planted"
    assert "_remember_seconds" not in data
    # The planted "remember me" set no cookie.
    assert client.get_cookie("remember_token") is None
    assert client.get_cookie("session").value != before.value  # type: ignore[union-attr]
    alice = users(app).by_name("alice")
    assert changes == [(app, {"user": alice, "reason": "login"})]


def test_session_of_another_user_is_emptied(app: Vial, client: VialClient) -> None:
    log_in(client, "alice")
    _plant(client, cart=["alice's book"], next="/protected", _flashes=[("m", "hi")])
    with client.session_transaction() as sess:
        sess.permanent = True
    log_in(client, "bob")
    data = _session(client)
    bob = users(app).by_name("bob")
    assert bob is not None
    assert "cart" not in data
    assert data["next"] == "/protected"
    assert data["_flashes"] == [("m", "hi")]
    assert data["_permanent"] is True
    assert data["_user_id"] == bob.get_id()
    assert set(data) == {"next", "_flashes", "_permanent", "_user_id", "_fresh", "_id"}


def test_same_user_logging_in_again_keeps_the_data(
    app: Vial, client: VialClient
) -> None:
    log_in(client)
    _plant(client, cart=["book"])
    log_in(client)
    assert _session(client)["cart"] == ["book"]


def test_a_changed_id_counts_as_another_login(app: Vial, client: VialClient) -> None:
    # The id changes with the password; data of the old login is not kept.
    alice = users(app).by_name("alice")
    assert alice is not None
    log_in(client)
    _plant(client, cart=["book"])
    alice.set_password("new password")
    response = client.post("/login", data={"name": "alice", "password": "new password"})
    assert response.status_code == 302
    assert "cart" not in _session(client)


def test_pre_login_cookie_stays_anonymous(app: Vial, client: VialClient) -> None:
    client.get("/login")
    _plant(client, seen=True)
    captured = client.get_cookie("session")
    assert captured is not None
    log_in(client)
    assert client.get("/protected").status_code == 200
    # An attacker replays the session cookie taken before the login.
    attacker = app.test_client()
    attacker.set_cookie("session", captured.value)
    assert body(attacker.get("/me"))["authenticated"] is False


def test_always_clear_session(app: Vial, client: VialClient) -> None:
    app.config["LOGIN_ALWAYS_CLEAR_SESSION"] = True
    _plant(client, cart=["book"], _flashes=[("m", "hi")])
    log_in(client)
    data = _session(client)
    assert "cart" not in data
    assert data["_flashes"] == [("m", "hi")]
    _plant(client, cart=["alice's book"])
    client.post("/logout")
    data = _session(client)
    assert "cart" not in data
    assert "_user_id" not in data


def test_preserved_session_keys_are_configurable(app: Vial) -> None:
    app.config["LOGIN_PRESERVED_SESSION_KEYS"] = ["cart"]
    alice, bob = users(app).by_name("alice"), users(app).by_name("bob")
    with app.test_request_context():
        login_user(bob)
        session["cart"] = ["book"]
        session["_flashes"] = [("message", "hi")]
        login_user(alice)
        assert session["cart"] == ["book"]
        assert "_flashes" not in session


def test_logout_keeps_other_data(
    app: Vial, client: VialClient, changes: Changes
) -> None:
    log_in(client)
    _plant(client, cart=["book"])
    changes.clear()
    client.post("/logout")
    data = _session(client)
    assert data == {"cart": ["book"]}
    assert changes == [(app, {"user": None, "reason": "logout"})]


def test_no_identity_change_without_a_login(
    app: Vial, client: VialClient, changes: Changes
) -> None:
    log_in(client)
    changes.clear()
    client.get("/protected")
    client.get("/me")
    assert changes == []


# Logins restored from the remember-me cookie


def test_remember_login_keeps_anonymous_data_and_rotates_secrets(
    app: Vial, changes: Changes
) -> None:
    @identity_changed.connect_via(app)
    def renew_csrf_secret(sender: Vial, **kwargs: t.Any) -> None:
        # What vial-wtf does with its CSRF secret.
        session["csrf_secret"] = f"renewed for {kwargs['reason']}"

    browser = _remembered_browser(app)
    changes.clear()
    # Planted by an attacker who can set cookies for the host: an anonymous
    # session with a CSRF secret they know, claiming a fresh login.
    _plant(browser, csrf_secret="known to the attacker", cart=["x"], _fresh=True)
    _plant(browser, _id="planted", _remember_seconds=99999999)
    assert browser.get("/protected").get_data(as_text=True) == "hello alice"
    data = _session(browser)
    assert data["csrf_secret"] == "renewed for remember"
    assert data["cart"] == ["x"]
    assert data["_fresh"] is False
    assert data["_remember_seconds"] == 365 * 24 * 3600
    with app.test_request_context(environ_base=browser.environ_base):
        assert data["_id"] == create_identifier()
    alice = users(app).by_name("alice")
    assert changes == [(app, {"user": alice, "reason": "remember"})]
    # The restored login is in the session now: no second identity change.
    changes.clear()
    browser.get("/protected")
    assert changes == []


def test_remember_login_empties_a_session_of_another_login(app: Vial) -> None:
    browser = _remembered_browser(app)
    bob = users(app).by_name("bob")
    assert bob is not None
    # A session holding another login that no longer loads (bob changed
    # his password), and what that login left behind.
    _plant(browser, _user_id=bob.get_id(), _fresh=True, cart=["bob's"], next="/a")
    bob.set_password("changed")
    assert browser.get("/protected").get_data(as_text=True) == "hello alice"
    data = _session(browser)
    assert "cart" not in data
    assert data["next"] == "/a"
    assert data["_fresh"] is False


def test_remember_login_with_always_clear_session(app: Vial) -> None:
    app.config["LOGIN_ALWAYS_CLEAR_SESSION"] = True
    browser = _remembered_browser(app)
    _plant(browser, csrf_secret="planted")
    assert browser.get("/protected").status_code == 200
    assert "csrf_secret" not in _session(browser)


def test_remember_login_binds_the_session_to_the_client(app: Vial) -> None:
    manager_of(app).session_protection = "strong"
    browser = _remembered_browser(app)
    browser.environ_base["HTTP_USER_AGENT"] = "Browser/1.0"
    assert browser.get("/protected").status_code == 200
    # The same client goes on without tripping session protection.
    assert browser.get("/protected").status_code == 200
    assert browser.get_cookie("remember_token") is not None
