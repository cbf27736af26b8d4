"""The JSON API: login required, CSRF token in a header, JSON errors."""

from __future__ import annotations

from browser import Browser
from browser import json_headers
from flows import sign_up_and_log_in

from vial import Vial


def test_an_anonymous_json_client_gets_401_with_the_login_url(
    browser: Browser,
) -> None:
    response = browser.client.get("/api/notes", headers=json_headers())
    assert response.status_code == 401
    assert response.is_json
    assert response.json is not None
    assert response.json["login_url"].startswith("/login")


def test_notes_are_created_and_listed(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    token = browser.csrf_token()
    for text in ("first", "second"):
        response = browser.client.post(
            "/api/notes", json={"text": text}, headers=json_headers(token)
        )
        assert response.status_code == 201
        assert response.json is not None
        assert response.json["text"] == text
    listed = browser.client.get("/api/notes", headers=json_headers())
    assert listed.json is not None
    assert [note["text"] for note in listed.json["notes"]] == ["first", "second"]


def test_an_invalid_note_gets_the_form_errors(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    response = browser.client.post(
        "/api/notes", json={"text": ""}, headers=json_headers(browser.csrf_token())
    )
    assert response.status_code == 400
    assert response.json is not None
    assert list(response.json["errors"]) == ["text"]


def test_a_json_post_without_the_csrf_header_is_refused(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    response = browser.client.post(
        "/api/notes", json={"text": "x"}, headers=json_headers()
    )
    assert response.status_code == 400
    assert response.json is not None
    assert response.json["code"] == 400
    assert "CSRF" in response.json["error"]


def test_each_user_sees_only_their_notes(app: Vial, browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    browser.client.post(
        "/api/notes", json={"text": "ann's"}, headers=json_headers(browser.csrf_token())
    )
    other = Browser(app.test_client())
    sign_up_and_log_in(other, "bob")
    listed = other.client.get("/api/notes", headers=json_headers())
    assert listed.json == {"user": "bob", "notes": []}
