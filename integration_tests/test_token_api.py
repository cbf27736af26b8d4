"""The token API next to the session pages: tokens, HTTP basic and roles.

An API client buys a token with its password (HTTP basic) and sends it
with each request; roles and permissions decide what it may read, and a
change to them applies to the very next request. Refused credentials get a
401 with a challenge and a JSON body, a missing permission a 403; a token
never writes a session, and the session pages keep working beside it.
"""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from browser import Browser
from flows import basic_credentials
from flows import bearer
from flows import log_out
from flows import register
from flows import request_token
from flows import sign_up_and_log_in
from notebook import create_app
from notebook.extensions import db
from notebook.extensions import tokens
from notebook.models import User
from notebook.token_api import READ_USERS
from werkzeug.test import TestResponse

from vial import Vial
from vial_roles import create_role
from vial_roles import grant_role
from vial_roles import revoke_role

DAY = 24 * 60 * 60


def _user(name: str) -> User:
    user: User | None = db.session.scalar(sa.select(User).where(User.name == name))
    assert user is not None
    return user


def _assert_refused(response: TestResponse, scheme: str, reason: str) -> None:
    """Check a 401: the challenge of ``scheme`` and a JSON body with ``reason``."""
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith(f"{scheme} realm=")
    assert response.is_json
    assert response.json is not None
    assert response.json["code"] == 401
    assert response.json["reason"] == reason


def test_a_password_buys_a_token_that_opens_the_api(browser: Browser) -> None:
    register(browser, "ann")
    client = browser.client.application.test_client()
    token = request_token(client, "ann")
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json == {"user": "ann", "roles": []}


def test_a_wrong_password_buys_no_token(browser: Browser) -> None:
    register(browser, "ann")
    for name in ("ann", "nobody"):
        response = browser.client.post(
            "/api/tokens", headers=basic_credentials(name, "not the password")
        )
        _assert_refused(response, "Basic", "invalid")
        assert "token" not in (response.json or {})


def test_a_token_logs_in_its_request_only_and_writes_no_session(
    app: Vial, browser: Browser
) -> None:
    sign_up_and_log_in(browser, "ann")
    register(Browser(app.test_client()), "bob")
    session_before = browser.cookie("session")
    # Bob's token, sent from the browser where ann is logged in: the
    # request is bob's, and ann's session cookie is neither read nor written.
    token = request_token(app.test_client(), "bob")
    response = browser.client.get("/api/me", headers=bearer(token))
    assert response.json == {"user": "bob", "roles": []}
    assert "Set-Cookie" not in response.headers
    assert browser.cookie("session") == session_before
    assert "Signed in as ann" in browser.open("/").text
    # A fresh client with the token has no session, so the pages that
    # need a login still send it to the login page.
    stranger = app.test_client()
    stranger.get("/api/me", headers=bearer(token))
    assert stranger.get_cookie("session") is None
    page = stranger.get("/", headers={"Authorization": f"Bearer {token}"})
    assert page.status_code == 302
    assert page.location.startswith("/login")


def test_a_member_without_the_permission_gets_403(app: Vial, browser: Browser) -> None:
    register(browser, "ann")
    with app.app_context():
        create_role("admin", "Sees every account.", permissions=READ_USERS)
    response = browser.client.get(
        "/api/users", headers=bearer(request_token(browser.client, "ann"))
    )
    assert response.status_code == 403
    assert response.json is not None
    assert response.json["code"] == 403


def test_a_role_granted_or_revoked_applies_to_the_next_request(
    app: Vial, browser: Browser
) -> None:
    register(browser, "ann")
    register(browser, "bob")
    with app.app_context():
        create_role("admin", "Sees every account.", permissions=READ_USERS)
    headers = bearer(request_token(browser.client, "ann"))
    assert browser.client.get("/api/users", headers=headers).status_code == 403

    with app.app_context():
        grant_role(_user("ann"), "admin")
    response = browser.client.get("/api/users", headers=headers)
    assert response.status_code == 200
    assert response.json == {"users": ["ann", "bob"]}
    assert browser.client.get("/api/me", headers=headers).json == {
        "user": "ann",
        "roles": ["admin"],
    }

    with app.app_context():
        revoke_role(_user("ann"), "admin")
    assert browser.client.get("/api/users", headers=headers).status_code == 403


def test_a_missing_token_gets_a_challenge(browser: Browser) -> None:
    response = browser.client.get("/api/me", headers={"Accept": "application/json"})
    _assert_refused(response, "Bearer", "missing")


def test_a_tampered_token_is_refused(browser: Browser) -> None:
    register(browser, "ann")
    token = request_token(browser.client, "ann")
    payload, _, signature = token.rpartition(".")
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    response = browser.client.get("/api/me", headers=bearer(forged))
    _assert_refused(response, "Bearer", "invalid")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_token_signed_with_another_apps_key_is_refused(
    database_url: str, browser: Browser
) -> None:
    register(browser, "ann")
    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "another app's key",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    with other.app_context():
        token = tokens.issue_token(_user("ann"))
        engine = db.engine
    engine.dispose()  # after the context gave its connection back
    _assert_refused(
        browser.client.get("/api/me", headers=bearer(token)), "Bearer", "invalid"
    )


def test_an_expired_token_is_refused(
    browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(browser, "ann")
    issued = time.time() - 2 * DAY  # TOKENS_MAX_AGE is one day
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: issued)
        token = request_token(browser.client, "ann")
    _assert_refused(
        browser.client.get("/api/me", headers=bearer(token)), "Bearer", "expired"
    )


def test_logging_out_revokes_the_tokens(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    headers = bearer(request_token(browser.client, "ann"))
    assert browser.client.get("/api/me", headers=headers).status_code == 200
    log_out(browser)  # gives ann a new session token, the tokens' alt id
    _assert_refused(browser.client.get("/api/me", headers=headers), "Bearer", "invalid")


def test_basic_credentials_do_not_open_the_token_api(browser: Browser) -> None:
    register(browser, "ann")
    response = browser.client.get("/api/me", headers=basic_credentials("ann"))
    _assert_refused(response, "Bearer", "missing")
