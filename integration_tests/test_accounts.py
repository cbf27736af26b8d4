"""Registration: the form, its CSRF token and the stored password hash."""

from __future__ import annotations

import sqlalchemy as sa
from browser import Browser
from flows import log_in
from flows import PASSWORD
from flows import register
from notebook.extensions import db
from notebook.models import User

from vial import Vial
from vial_passwords import verify_password


def test_the_form_carries_a_csrf_token(browser: Browser) -> None:
    browser.open("/register")
    fields = browser.form("register").fields
    assert set(fields) == {"csrf_token", "name", "password", "confirm"}
    # One token per request: the form's field and the page's meta tag agree.
    assert fields["csrf_token"]
    assert fields["csrf_token"] == browser.csrf_token()


def test_registering_stores_a_hash_and_leads_to_the_login_page(
    app: Vial, browser: Browser
) -> None:
    response = register(browser, "ann")
    assert response.status_code == 200
    assert browser.url == "/login"
    assert "Your account is ready; log in." in response.text
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.name == "ann"))
        assert user is not None
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("$argon2id$")
        assert verify_password(PASSWORD, user.password_hash)
        assert not verify_password("wrong password", user.password_hash)


def test_a_taken_name_is_refused(app: Vial, browser: Browser) -> None:
    register(browser, "ann")
    response = register(browser, "ann", "another good password")
    assert response.status_code == 400
    assert "That name is taken." in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_the_password_policy_applies(app: Vial, browser: Browser) -> None:
    response = register(browser, "ann", "short")
    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert "8" in response.text  # the policy names the minimum length
    with app.app_context():
        assert db.session.scalar(sa.select(User)) is None


def test_the_two_passwords_must_match(browser: Browser) -> None:
    browser.open("/register")
    response = browser.submit(
        "register", name="ann", password=PASSWORD, confirm=PASSWORD + "!"
    )
    assert response.status_code == 400
    assert "The passwords differ." in response.text


def test_a_new_account_can_log_in(browser: Browser) -> None:
    register(browser, "ann")
    response = log_in(browser, "ann")
    assert response.status_code == 200
    assert "Signed in as ann" in response.text
