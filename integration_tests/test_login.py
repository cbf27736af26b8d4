"""Logging in and out, pages that need a login, and the remember-me cookie."""

from __future__ import annotations

from urllib.parse import quote

from browser import Browser
from flows import log_in
from flows import log_out
from flows import register
from flows import sign_up_and_log_in


def test_a_page_that_needs_a_login_redirects_to_the_login_page(
    browser: Browser,
) -> None:
    response = browser.client.get("/")
    assert response.status_code == 302
    assert response.location == f"/login?next={quote('/', safe='')}"
    page = browser.open("/")
    assert browser.url == "/login?next=%2F"
    assert "Log in to see this page." in page.text


def test_login_goes_back_to_the_page_asked_for(browser: Browser) -> None:
    register(browser, "ann")
    browser.open("/api/notes")
    assert browser.url == "/login?next=%2Fapi%2Fnotes"
    response = browser.submit("login", name="ann", password="correct horse battery")
    assert response.status_code == 200
    assert response.json == {"user": "ann", "notes": []}


def test_wrong_password_and_unknown_user_get_the_same_answer(
    browser: Browser,
) -> None:
    register(browser, "ann")
    wrong = log_in(browser, "ann", "not the password")
    unknown = log_in(browser, "bob", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong name or password." in wrong.text
    assert "Wrong name or password." in unknown.text
    assert browser.client.get("/").status_code == 302


def test_the_session_keeps_the_user_logged_in(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    assert browser.cookie("remember_token") is None
    assert "Signed in as ann" in browser.open("/").text


def test_without_remember_me_dropping_the_session_logs_out(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    browser.client.delete_cookie("session")
    browser.open("/")
    assert browser.url.startswith("/login")


def test_the_remember_cookie_restores_the_login(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann", remember=True)
    cookie = browser.client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    # The browser is closed: the session cookie is gone, the remember-me
    # cookie is not.
    browser.client.delete_cookie("session")
    page = browser.open("/")
    assert browser.url == "/"
    assert "Signed in as ann" in page.text
    assert browser.cookie("session") is not None


def test_logout_ends_the_session_and_the_remember_cookie(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann", remember=True)
    response = log_out(browser)
    assert browser.url == "/login"
    assert "You are logged out." in response.text
    assert browser.cookie("remember_token") is None
    browser.open("/")
    assert browser.url.startswith("/login")


def test_logout_needs_the_csrf_token(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    assert browser.client.post("/logout").status_code == 400
    assert "Signed in as ann" in browser.open("/").text


def test_a_note_added_through_the_page_is_listed(browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann")
    response = browser.submit("note", text="buy milk")
    assert browser.url == "/"
    assert '<li class="note">buy milk</li>' in response.text
