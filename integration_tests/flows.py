"""What a visitor of the notebook app does, step by step, through its pages."""

from __future__ import annotations

from browser import Browser
from werkzeug.test import TestResponse

PASSWORD = "correct horse battery"


def register(browser: Browser, name: str, password: str = PASSWORD) -> TestResponse:
    """Fill in the registration form and submit it."""
    return browser.fill_in(
        "/register", "register", name=name, password=password, confirm=password
    )


def log_in(
    browser: Browser,
    name: str,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    url: str = "/login",
) -> TestResponse:
    """Fill in the login form at ``url`` and submit it."""
    values = {"name": name, "password": password}
    if remember:
        values["remember"] = "y"
    return browser.fill_in(url, "login", **values)


def sign_up_and_log_in(
    browser: Browser, name: str, *, remember: bool = False
) -> TestResponse:
    """Register ``name`` and log in as them; return the account page."""
    register(browser, name)
    response = log_in(browser, name, remember=remember)
    assert response.status_code == 200
    assert f"Signed in as {name}" in response.text
    return response


def log_out(browser: Browser) -> TestResponse:
    """Press the account page's "Log out" button."""
    browser.open("/")
    return browser.submit("logout")
