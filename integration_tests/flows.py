"""What a visitor of the notebook app does, step by step, through its pages,
and what an API client does with a token."""

from __future__ import annotations

import base64
import typing as t

from browser import Browser
from werkzeug.test import TestResponse

from vial.testing import VialClient

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


def basic_credentials(name: str, password: str = PASSWORD) -> dict[str, str]:
    """Return the ``Authorization`` header of HTTP basic auth for a JSON client."""
    pair = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Accept": "application/json", "Authorization": f"Basic {pair}"}


def bearer(token: str) -> dict[str, str]:
    """Return the headers of a JSON client that sends ``token``."""
    return {"Accept": "application/json", "Authorization": f"Bearer {token}"}


def request_token(client: VialClient, name: str, password: str = PASSWORD) -> str:
    """Buy an API token with ``name``'s password (HTTP basic); return it."""
    response = client.post("/api/tokens", headers=basic_credentials(name, password))
    assert response.status_code == 201, response.text
    assert response.json is not None
    return t.cast(str, response.json["token"])
