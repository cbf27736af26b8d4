"""Attacks at the seams between the extensions.

Each test plays an attacker who holds something of a victim's (a CSRF
token, an old cookie) or crafts a value, and checks that the app refuses.
"""

from __future__ import annotations

from browser import Browser
from flows import log_in
from flows import log_out
from flows import PASSWORD
from flows import register
from flows import sign_up_and_log_in

from vial import Vial


def test_a_csrf_token_from_another_session_is_refused(app: Vial) -> None:
    victim = Browser(app.test_client())
    victim.open("/register")
    stolen = victim.form("register").fields["csrf_token"]

    attacker = Browser(app.test_client())
    attacker.open("/register")
    response = attacker.submit(
        "register", csrf_token=stolen, name="eve", password=PASSWORD, confirm=PASSWORD
    )
    assert response.status_code == 400
    assert "The CSRF tokens do not match." in response.text
    # The attacker's own token still works, so the refusal was the token's.
    assert (
        attacker.fill_in(
            "/register", "register", name="eve", password=PASSWORD, confirm=PASSWORD
        ).status_code
        == 200
    )


def test_a_post_without_a_session_is_refused(app: Vial) -> None:
    victim = Browser(app.test_client())
    victim.open("/register")
    token = victim.form("register").fields["csrf_token"]
    response = app.test_client().post(
        "/register",
        data={"csrf_token": token, "name": "eve", "password": PASSWORD},
    )
    assert response.status_code == 400
    assert "The form has expired; reload the page and try again." in response.text


def test_a_csrf_token_from_before_login_is_refused_after_it(
    browser: Browser,
) -> None:
    register(browser, "ann")
    browser.open("/login")
    before = browser.form("login").fields["csrf_token"]
    log_in(browser, "ann")
    response = browser.client.post("/", data={"csrf_token": before, "text": "x"})
    assert response.status_code == 400
    assert "Signed in as ann" in browser.open("/").text


def test_login_does_not_redirect_off_site(browser: Browser) -> None:
    register(browser, "ann")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = log_in(browser, "ann", url=f"/login?next={target}")
        assert response.history[-1].location == "/", target
        log_out(browser)


def test_a_forged_remember_cookie_is_refused(app: Vial, browser: Browser) -> None:
    sign_up_and_log_in(browser, "ann", remember=True)
    genuine = browser.cookie("remember_token")
    assert genuine is not None
    attacker = Browser(app.test_client())
    for forged in ("1:x", genuine[:-2] + ("AA" if genuine[-2:] != "AA" else "BB")):
        attacker.client.set_cookie("remember_token", forged)
        attacker.open("/")
        assert attacker.url.startswith("/login"), forged


def test_a_copied_remember_cookie_stops_working_after_logout(
    app: Vial, browser: Browser
) -> None:
    sign_up_and_log_in(browser, "ann", remember=True)
    copied = browser.cookie("remember_token")
    assert copied is not None
    thief = Browser(app.test_client())
    thief.client.set_cookie("remember_token", copied)
    assert "Signed in as ann" in thief.open("/").text

    log_out(browser)
    late = Browser(app.test_client())
    late.client.set_cookie("remember_token", copied)
    late.open("/")
    assert late.url.startswith("/login")
    # The thief's session was made from the same login, and ends with it.
    thief.open("/")
    assert thief.url.startswith("/login")


def test_a_copied_session_cookie_stops_working_after_logout(
    app: Vial, browser: Browser
) -> None:
    sign_up_and_log_in(browser, "ann")
    copied = browser.cookie("session")
    assert copied is not None
    log_out(browser)
    replay = Browser(app.test_client())
    replay.client.set_cookie("session", copied)
    replay.open("/")
    assert replay.url.startswith("/login")
