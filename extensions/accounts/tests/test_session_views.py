"""Logging in and out, as a browser and as a JSON client."""

from __future__ import annotations

import pytest
from support import add_user
from support import body
from support import Browser
from support import find_user
from support import JSONClient
from support import PASSWORD

from vial import Vial
from vial_accounts import auth_required


def _protected(app: Vial) -> None:
    @app.get("/private")
    @auth_required("session", "token")
    def private() -> str:
        from vial_login import current_user

        return f"private page of {current_user.email}"


def test_the_login_page_has_a_form_with_a_csrf_token(browser: Browser) -> None:
    page = browser.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert 'type="email"' in page.text
    assert 'autocomplete="current-password"' in page.text
    # The pages are usable on a phone: a viewport and the stylesheet.
    assert 'name="viewport"' in page.text
    assert "/accounts-static/accounts.css" in page.text
    # Links to the forms the app switched on.
    assert 'href="/reset"' in page.text
    assert 'href="/register"' in page.text


def test_a_browser_logs_in_and_goes_where_next_says(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    _protected(app)
    response = browser.get("/private")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fprivate"
    browser.follow(response)
    response = browser.submit({"email": "ANN@example.com ", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/private"
    assert browser.get("/private").text == "private page of ann@example.com"


def test_an_unsafe_next_is_ignored(app: Vial, browser: Browser) -> None:
    add_user(app)
    browser.get("/login?next=https://evil.example/steal")
    response = browser.submit({"email": "ann@example.com", "password": PASSWORD})
    assert response.location == "/"
    browser.get("/logout")
    browser.submit({})
    browser.get("/login?next=//evil.example")
    response = browser.submit({"email": "ann@example.com", "password": PASSWORD})
    assert response.location == "/"


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    wrong = browser.log_in(password="wrong password")
    unknown = browser.log_in(email="nobody@example.com", password="wrong password")
    assert wrong.status_code == unknown.status_code == 400
    assert "The e-mail address or the password is wrong." in wrong.text
    assert wrong.text.replace("ann@example.com", "X") == unknown.text.replace(
        "nobody@example.com", "X"
    ).replace(_token(unknown.text), _token(wrong.text))


def _token(page: str) -> str:
    from support import page_form

    return page_form(page)[1]["csrf_token"]


def test_form_errors_are_shown_next_to_the_fields(browser: Browser) -> None:
    response = browser.log_in(email="not an address", password="")
    assert response.status_code == 400
    assert "Enter a valid e-mail address" in response.text
    assert "Enter your password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_form_posted_without_its_csrf_token_is_refused(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    response = browser.open(
        "/login", "POST", data={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The form has expired; reload the page and try again." in response.text
    assert browser.get("/").text == "home"
    assert browser.cookie("remember_token") is None


def test_a_form_left_open_in_another_tab_expires_at_login(
    app: Vial, browser: Browser
) -> None:
    """Logging in renews the session's CSRF secret (vial-login sends
    identity_changed, vial-wtf renews it): a form opened before says so."""
    add_user(app)
    add_user(app, "bob@example.com")
    other_tab = browser.get("/login")
    browser.log_in()
    response = browser.submit(
        {"email": "bob@example.com", "password": PASSWORD}, page=other_tab
    )
    assert response.status_code == 400
    assert "The form has expired; reload the page and try again." in response.text
    # A clear answer, on the page with a fresh form, not a redirect.
    assert "Location" not in response.headers
    response = browser.submit(
        {"email": "bob@example.com", "password": PASSWORD}, page=response
    )
    assert response.status_code == 302


def test_remember_me_sets_a_cookie_that_logs_the_browser_back_in(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    _protected(app)
    browser.log_in(remember=True)
    assert browser.cookie("remember_token") is not None
    browser.client.delete_cookie("session", domain="accounts.test")
    assert browser.get("/private").status_code == 200


def test_logout_is_a_post_with_a_csrf_token(app: Vial, browser: Browser) -> None:
    add_user(app)
    _protected(app)
    browser.log_in(remember=True)
    page = browser.get("/logout")
    assert page.status_code == 200
    assert 'method="post"' in page.text
    # Without the token (a forged cross-site post), nothing happens.
    forged = browser.open("/logout", "POST")
    assert forged.status_code == 400
    assert browser.get("/private").status_code == 200
    response = browser.submit({}, page=page)
    assert response.status_code == 302
    assert response.location == "/"
    assert browser.get("/private").status_code == 302
    assert browser.cookie("remember_token") is None


def test_a_logged_in_browser_is_sent_on_from_the_login_page(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    browser.log_in()
    response = browser.get("/login?next=/account")
    assert response.status_code == 302
    assert response.location == "/account"


def test_login_is_tracked_with_the_client_address(app: Vial) -> None:
    add_user(app)
    first = Browser(app, remote_addr="198.51.100.7")
    first.log_in()
    user = find_user(app, "ann@example.com")
    assert user.login_count == 1
    assert user.current_login_ip == "198.51.100.7"
    second = Browser(app, remote_addr="203.0.113.9")
    # A client cannot choose the address recorded: X-Forwarded-For is only
    # read by the app's ProxyFix, and this app has none.
    second.get("/login")
    second.submit({"email": "ann@example.com", "password": PASSWORD})
    second.open("/", headers={"X-Forwarded-For": "10.9.9.9"})
    user = find_user(app, "ann@example.com")
    assert user.login_count == 2
    assert user.current_login_ip == "203.0.113.9"
    assert user.last_login_ip == "198.51.100.7"
    assert user.last_login_at <= user.current_login_at


def test_tracking_uses_the_address_proxy_fix_sets(app: Vial) -> None:
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
    add_user(app)
    browser = Browser(app, remote_addr="10.0.0.1")  # the proxy
    browser.get("/login")
    browser.open(
        "/login",
        "POST",
        data={
            "email": "ann@example.com",
            "password": PASSWORD,
            "csrf_token": _token(browser.page.text if browser.page else ""),
        },
        headers={"X-Forwarded-For": "203.0.113.50"},
    )
    assert find_user(app, "ann@example.com").current_login_ip == "203.0.113.50"


def test_tracking_is_off_unless_switched_on(tmp_path: pytest.TempPathFactory) -> None:
    from pathlib import Path

    from support import make_app

    folder = Path(str(tmp_path))
    app = make_app(
        f"sqlite:///{folder / 'db.sqlite3'}",
        folder / "instance",
        ACCOUNTS_TRACKABLE=False,
    )
    add_user(app)
    Browser(app).log_in()
    user = find_user(app, "ann@example.com")
    assert user.login_count == 0
    assert user.current_login_ip is None


def test_a_json_client_logs_in_and_gets_an_api_token(
    app: Vial, api: JSONClient
) -> None:
    add_user(app)
    _protected(app)
    response = api.post(
        "/login?include_auth_token",
        json={"email": "Ann@Example.com", "password": PASSWORD},
    )
    assert response.status_code == 200
    user = body(response)["user"]
    assert user["email"] == "ann@example.com"
    token = user["authentication_token"]
    # The token works on its own, from another client with no cookie.
    other = JSONClient(app)
    other.token = token
    assert other.get("/private").text == "private page of ann@example.com"


def test_the_auth_token_can_be_asked_for_in_the_body(
    app: Vial, api: JSONClient
) -> None:
    add_user(app)
    response = api.post(
        "/login",
        json={
            "email": "ann@example.com",
            "password": PASSWORD,
            "include_auth_token": True,
        },
    )
    assert "authentication_token" in body(response)["user"]
    response = JSONClient(app).post(
        "/login", json={"email": "ann@example.com", "password": PASSWORD}
    )
    assert "authentication_token" not in body(response)["user"]


def test_json_login_errors_have_the_accounts_shape(app: Vial, api: JSONClient) -> None:
    add_user(app)
    response = api.post("/login", json={"email": "ann@example.com", "password": "nope"})
    assert response.status_code == 400
    assert body(response)["errors"] == ["The e-mail address or the password is wrong."]
    response = api.post("/login", json={"email": "x"})
    assert response.status_code == 400
    fields = body(response)["field_errors"]
    assert set(fields) == {"email", "password"}


def test_a_json_client_with_a_session_cookie_needs_the_csrf_token(
    app: Vial, api: JSONClient
) -> None:
    add_user(app)
    page = api.get("/login")
    token = body(page)["csrf_token"]
    assert api.client.get_cookie("session", domain="accounts.test") is not None
    credentials = {"email": "ann@example.com", "password": PASSWORD}
    refused = api.post("/login", json=credentials)
    assert refused.status_code == 400
    assert body(refused)["errors"] == [
        "The form has expired; reload the page and try again."
    ]
    assert (
        api.post("/login", json=credentials, headers={"X-CSRFToken": token}).status_code
        == 200
    )


def test_json_logout(app: Vial, api: JSONClient) -> None:
    add_user(app)
    _protected(app)
    api.post("/login", json={"email": "ann@example.com", "password": PASSWORD})
    assert api.get("/private").status_code == 200
    token = body(api.get("/logout"))["csrf_token"]
    response = api.post("/logout", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert body(response) == {}
    assert api.get("/private").status_code == 401


def test_get_login_as_json_tells_who_is_logged_in(app: Vial, api: JSONClient) -> None:
    add_user(app)
    assert "user" not in body(JSONClient(app).get("/login"))
    api.post("/login", json={"email": "ann@example.com", "password": PASSWORD})
    assert body(api.get("/login"))["user"]["email"] == "ann@example.com"
