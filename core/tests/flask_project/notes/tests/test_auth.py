# mypy: ignore-errors
from __future__ import annotations

import pytest
from flask import g
from flask import get_flashed_messages
from flask import session
from notes_app.db import get_db


def test_register(client, app):
    assert client.get("/auth/register").status_code == 200
    response = client.post("/auth/register", data={"username": "cy", "password": "pw"})
    assert response.headers["Location"] == "/auth/login"

    with app.app_context():
        row = get_db().execute("SELECT * FROM user WHERE username = 'cy'").fetchone()
        assert row is not None
        assert row["password"] != "pw"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("", "", "Username is required."),
        ("cy", "", "Password is required."),
        ("ann", "x", "User ann is already registered."),
    ],
)
def test_register_validation(client, username, password, message):
    response = client.post(
        "/auth/register", data={"username": username, "password": password}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_login(client, auth):
    assert client.get("/auth/login").status_code == 200
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "ann"


def test_login_sets_a_safe_session_cookie(auth):
    response = auth.login()
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie


@pytest.mark.parametrize(
    ("username", "password"), [("nobody", "secret"), ("ann", "wrong")]
)
def test_login_errors_say_the_same(auth, username, password):
    response = auth.login(username, password)
    assert b"Incorrect username or password." in response.data


def test_login_redirects_back(client, auth):
    response = client.post(
        "/auth/login?next=/create", data={"username": "ann", "password": "secret"}
    )
    assert response.headers["Location"] == "/create"
    response = client.post(
        "/auth/login?next=//evil.test/", data={"username": "ann", "password": "secret"}
    )
    assert response.headers["Location"] == "/"


def test_logout(client, auth):
    auth.login()
    with client:
        auth.logout()
        assert "user_id" not in session


def test_flash_after_register(client, app):
    client.post("/auth/register", data={"username": "dee", "password": "pw"})
    with client:
        client.get("/auth/login")
        assert get_flashed_messages() == ["Registered. Please log in."]
