from __future__ import annotations

from vial import Vial
from vial.testing import VialClient
from vial.testing import VialCliRunner
from vial_passwords import PasswordHasher
from vial_passwords import verify_password
from vial_tokens import new_alt_id

from toolshed.extensions import db

from support import Browser
from support import member
from support import PASSWORD


def test_join_logs_the_new_member_in(app: Vial, browser: Browser) -> None:
    response = browser.submit(
        "/auth/register",
        {
            "email": " Carol@Example.com ",
            "name": "Carol",
            "password": "carol's long password",
            "confirm": "carol's long password",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Log out Carol" in browser.client.get("/").text
    with app.app_context():
        carol = member("carol@example.com")
        assert verify_password("carol's long password", carol.password_hash)


def test_join_shows_what_is_wrong(browser: Browser) -> None:
    form = {"email": "bob@example.com", "name": "Bob"}
    page = browser.submit(
        "/auth/register", {**form, "password": "short", "confirm": "short"}
    ).text
    assert "The password must be at least 8 characters long." in page
    assert "bob@example.com has an account already; log in instead." in page
    mismatch = {**form, "password": "one long password", "confirm": "another one"}
    assert "The passwords differ." in browser.submit("/auth/register", mismatch).text


def test_forms_without_the_csrf_token_are_refused(client: VialClient) -> None:
    response = client.post(
        "/auth/login", data={"email": "ann@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.text


def test_log_in_and_out(browser: Browser) -> None:
    response = browser.log_in("ann@example.com")
    assert response.status_code == 302
    assert "Log out Ann" in browser.client.get("/").text
    response = browser.submit("/", action="/auth/logout")
    assert response.status_code == 302
    assert "Log in" in browser.client.get("/").text


def test_logout_is_a_post(browser: Browser) -> None:
    browser.log_in("ann@example.com")
    assert browser.client.get("/auth/logout").status_code == 405


def test_wrong_password_and_unknown_address_read_the_same(browser: Browser) -> None:
    wrong = browser.log_in("ann@example.com", "not the password").text
    unknown = browser.log_in("nobody@example.com").text
    assert "Wrong e-mail address or password." in wrong
    assert "Wrong e-mail address or password." in unknown
    assert "Log out" not in browser.client.get("/").text


def test_login_replaces_an_outdated_hash(app: Vial, browser: Browser) -> None:
    # A hash made before the app's settings moved to argon2.
    older = {"PASSWORD_SCHEMES": ["pbkdf2_sha512"], "PASSWORD_HASH_OPTIONS": {}}
    old_hash = PasswordHasher({**app.config, **older}).hash_password(PASSWORD)
    assert old_hash.startswith("$pbkdf2-sha512$")
    with app.app_context():
        member("bob@example.com").password_hash = old_hash
        db.session.commit()
    assert browser.log_in("bob@example.com").status_code == 302
    with app.app_context():
        assert member("bob@example.com").password_hash.startswith("$argon2id$")


def test_login_returns_to_the_page_asked_for(browser: Browser) -> None:
    response = browser.client.get("/tools/new")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login?next=%2Ftools%2Fnew"
    page = "/auth/login?next=%2Ftools%2Fnew"
    form = {"email": "ann@example.com", "password": PASSWORD}
    assert browser.submit(page, form).headers["Location"] == "/tools/new"


def test_login_never_sends_to_another_site(browser: Browser) -> None:
    page = "/auth/login?next=https%3A%2F%2Fevil.example%2F"
    form = {"email": "ann@example.com", "password": PASSWORD}
    assert browser.submit(page, form).headers["Location"] == "/"


def test_a_new_alt_id_ends_every_session(app: Vial, browser: Browser) -> None:
    browser.log_in("bob@example.com")
    with app.app_context():
        member("bob@example.com").alt_id = new_alt_id()
        db.session.commit()
    assert "Log out" not in browser.client.get("/").text


def test_members_add_command(app: Vial, runner: VialCliRunner) -> None:
    secret = "dave's long password"
    result = runner.invoke(
        args=["members", "add", "Dave@example.com", "--name", "Dave"],
        input=f"{secret}\n{secret}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added Dave <dave@example.com>." in result.output
    with app.app_context():
        assert verify_password(secret, member("dave@example.com").password_hash)


def test_members_add_refuses_what_the_form_refuses(runner: VialCliRunner) -> None:
    args = ["members", "add", "ann@example.com", "--name", "Ann"]
    result = runner.invoke(args=args, input="short\nshort\n")
    assert result.exit_code == 1
    assert "The password must be at least 8 characters long." in result.output
    assert "ann@example.com has an account already" in result.output
