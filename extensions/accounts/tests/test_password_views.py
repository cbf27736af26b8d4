"""Forgotten passwords, reset links and password changes: the flows, and the
attacks on them (reused, expired, forged and foreign links, a confirmation
link used as a reset link, a poisoned Host header, enumeration)."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from support import add_user
from support import body
from support import Browser
from support import Clock
from support import find_user
from support import JSONClient
from support import link_in
from support import mails_to
from support import make_app
from support import NEW_PASSWORD
from support import outbox
from support import PASSWORD

from vial import Vial
from vial_accounts import auth_required
from vial_accounts import password_changed
from vial_accounts import password_reset
from vial_accounts import reset_password_instructions_sent


def _reset_link(app: Vial, email: str = "ann@example.com") -> str:
    mails = [m for m in mails_to(app, email) if m.subject == "Reset your password"]
    return link_in(mails[-1], "/reset/")


def _ask_for_reset(app: Vial, email: str = "ann@example.com") -> None:
    response = Browser(app, remote_addr="198.51.100.77").fill(
        "/reset", {"email": email}
    )
    assert response.status_code == 302


def _protected(app: Vial) -> None:
    @app.get("/private")
    @auth_required("session", "token")
    def private() -> str:
        return "private"


def test_a_browser_resets_a_forgotten_password(app: Vial, browser: Browser) -> None:
    add_user(app)
    sent: list[str] = []
    reset: list[str] = []
    reset_password_instructions_sent.connect(
        lambda app, user, token: sent.append(token), weak=False
    )
    password_reset.connect(lambda app, user: reset.append(user.email), weak=False)
    try:
        response = browser.fill("/reset", {"email": "Ann@Example.com"})
        assert response.status_code == 302
        assert "If that address has an account" in browser.follow(response).text
        [mail] = mails_to(app, "ann@example.com")
        assert mail.subject == "Reset your password"
        link = link_in(mail, "/reset/")
        assert link == f"http://accounts.test/reset/{sent[0]}"
        # Opening the link changes nothing; it shows the form.
        page = browser.get(link)
        assert page.status_code == 200
        assert 'autocomplete="new-password"' in page.text
        assert reset == []
        response = browser.submit(
            {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert response.location == "/login"
        assert "log in with the new one" in browser.follow(response).text
        assert reset == ["ann@example.com"]
    finally:
        reset_password_instructions_sent.receivers.clear()
        password_reset.receivers.clear()
    assert browser.log_in(password=PASSWORD).status_code == 400
    assert browser.log_in(password=NEW_PASSWORD).status_code == 302
    notice = mails_to(app, "ann@example.com")[-1]
    assert notice.subject == "Your password was changed"


def test_a_json_client_resets_a_password(app: Vial, api: JSONClient) -> None:
    add_user(app)
    response = api.post("/reset", json={"email": "ann@example.com"})
    assert response.status_code == 200
    link = _reset_link(app)
    # Reading the form gives a CSRF token, and a session cookie that needs it.
    token = body(api.get(link))["csrf_token"]
    response = api.post(link, json={"password": NEW_PASSWORD, "password_confirm": "x"})
    assert response.status_code == 400
    assert body(response)["errors"] == [
        "The form has expired; reload the page and try again."
    ]
    api.client.delete_cookie("session", domain="accounts.test")
    response = api.post(link, json={"password": NEW_PASSWORD, "password_confirm": "x"})
    assert response.status_code == 400
    assert body(response)["field_errors"] == {
        "password_confirm": ["The two passwords differ."]
    }
    assert token
    response = api.post(
        link, json={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 200
    login = JSONClient(app).post(
        "/login", json={"email": "ann@example.com", "password": NEW_PASSWORD}
    )
    assert login.status_code == 200


def test_the_new_password_must_pass_the_policy(app: Vial, browser: Browser) -> None:
    add_user(app)
    _ask_for_reset(app)
    browser.get(_reset_link(app))
    response = browser.submit({"password": "short", "password_confirm": "short"})
    assert response.status_code == 400
    assert "at least 8 characters" in response.text


def test_a_reset_link_works_once(app: Vial, browser: Browser) -> None:
    add_user(app)
    _ask_for_reset(app)
    link = _reset_link(app)
    browser.get(link)
    browser.submit({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    response = browser.get(link)
    assert response.status_code == 400
    assert "This link has been used already, or is not valid." in response.text
    response = browser.open(
        link,
        "POST",
        data={"password": "third password!", "password_confirm": "third password!"},
    )
    assert response.status_code == 400
    assert browser.log_in(password=NEW_PASSWORD).status_code == 302


def test_older_reset_links_die_with_the_first_one_used(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    _ask_for_reset(app)
    first = _reset_link(app)
    _ask_for_reset(app)
    second = _reset_link(app)
    browser.get(second)
    browser.submit({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert browser.get(first).status_code == 400


def test_a_reset_link_dies_when_the_password_changes_otherwise(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    _ask_for_reset(app)
    link = _reset_link(app)
    browser.log_in()
    browser.get("/change")
    browser.submit(
        {
            "password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        }
    )
    assert Browser(app).get(link).status_code == 400


def test_an_expired_reset_link_is_refused(
    app: Vial, browser: Browser, clock: Clock
) -> None:
    add_user(app)
    _ask_for_reset(app)
    link = _reset_link(app)
    clock.advance(3600 + 5)
    response = browser.get(link)
    assert response.status_code == 400
    assert "This link has expired. Ask for a new link below." in response.text
    assert 'action="/reset"' in response.text


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-3] + ("abc" if not token.endswith("abc") else "xyz"),
        lambda token: token.replace(".", "", 1),
        lambda token: "",
    ],
    ids=["signature", "structure", "empty"],
)
def test_a_forged_reset_link_is_refused(
    app: Vial, browser: Browser, tamper: t.Callable[[str], str]
) -> None:
    add_user(app)
    _ask_for_reset(app)
    token = _reset_link(app).rsplit("/", 1)[1]
    forged = tamper(token)
    response = browser.open(
        f"/reset/{forged}",
        "POST",
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code in (400, 404)
    assert browser.log_in(password=PASSWORD).status_code == 302


def test_a_reset_link_forged_for_another_user_is_refused(
    app: Vial, browser: Browser
) -> None:
    """The token names its user by a signed uniquifier: swapping in another
    user's breaks the signature."""
    import base64
    import json

    add_user(app, "ann@example.com")
    add_user(app, "bob@example.com")
    _ask_for_reset(app, "ann@example.com")
    token = _reset_link(app, "ann@example.com").rsplit("/", 1)[1]
    payload, rest = token.split(".", 1)
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data[0] = find_user(app, "bob@example.com").fs_uniquifier
    swapped = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    response = browser.open(
        f"/reset/{swapped}.{rest}",
        "POST",
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert browser.log_in("bob@example.com", PASSWORD).status_code == 302


def test_a_reset_link_resets_its_own_user_only(app: Vial) -> None:
    """Bob, logged in, opens Ann's link: it is Ann's password that changes,
    and Bob's session and password are left alone."""
    add_user(app, "ann@example.com")
    add_user(app, "bob@example.com")
    _protected(app)
    _ask_for_reset(app, "ann@example.com")
    bob = Browser(app)
    bob.log_in("bob@example.com")
    bob.get(_reset_link(app, "ann@example.com"))
    bob.submit({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert bob.get("/private").status_code == 200
    assert Browser(app).log_in("ann@example.com", NEW_PASSWORD).status_code == 302
    assert Browser(app).log_in("bob@example.com", PASSWORD).status_code == 302


def test_a_confirmation_link_is_not_a_reset_link(app: Vial, browser: Browser) -> None:
    add_user(app, "ann@example.com", confirmed=False)
    token = link_in(mails_to(app, "ann@example.com")[0], "/confirm/").rsplit("/", 1)[1]
    response = browser.get(f"/reset/{token}")
    assert response.status_code == 400
    assert "This link is not valid." in response.text
    response = browser.open(
        f"/reset/{token}",
        "POST",
        data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    # And a reset link confirms nothing.
    _ask_for_reset(app)
    reset_token = _reset_link(app).rsplit("/", 1)[1]
    assert browser.get(f"/confirm/{reset_token}").status_code == 400
    assert find_user(app, "ann@example.com").confirmed_at is None


def test_a_reset_confirms_the_address_and_ends_a_lockout(
    app: Vial, clock: Clock
) -> None:
    add_user(app, "ann@example.com", confirmed=False)
    attacker = JSONClient(app, remote_addr="203.0.113.66")
    for _ in range(5):
        attacker.post("/login", json={"email": "ann@example.com", "password": "guess"})
        clock.advance(60)
    ann = Browser(app)
    assert ann.log_in().status_code == 429
    _ask_for_reset(app)
    ann.get(_reset_link(app))
    ann.submit({"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert find_user(app, "ann@example.com").confirmed_at is not None
    assert ann.log_in(password=NEW_PASSWORD).status_code == 302


def test_the_reset_link_ignores_a_poisoned_host_header(app: Vial) -> None:
    """The link is built from SERVER_NAME, not from the Host header an
    attacker sends with the victim's address."""
    add_user(app)
    attacker = Browser(app)
    page = attacker.get("/reset", headers={"Host": "evil.example"})
    response = attacker.open(
        "/reset",
        "POST",
        data={"email": "ann@example.com", "csrf_token": _csrf(page.text)},
        headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"},
    )
    assert response.status_code == 302
    for mail in mails_to(app, "ann@example.com"):
        assert mail.links
        for link in mail.links:
            assert link.startswith("http://accounts.test/"), link
        assert "evil.example" not in (mail.body or "") + (mail.html or "")


def test_links_use_accounts_base_url_when_set(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        SERVER_NAME=None,
        ACCOUNTS_BASE_URL="https://www.example.com/app/",
    )
    add_user(app)
    browser = Browser(app)
    browser.get("/reset", headers={"Host": "evil.example"})
    browser.open(
        "/reset",
        "POST",
        data={
            "email": "ann@example.com",
            "csrf_token": _csrf(browser.page.text if browser.page else ""),
        },
        headers={"Host": "evil.example"},
    )
    link = _reset_link(app)
    assert link.startswith("https://www.example.com/app/reset/")


def _csrf(page: str) -> str:
    from support import page_form

    return page_form(page)[1]["csrf_token"]


@pytest.mark.parametrize("case", ["unknown", "inactive"])
def test_forgot_password_answers_the_same_for_any_address(app: Vial, case: str) -> None:
    add_user(app, "ann@example.com")
    add_user(app, "inactive@example.com", active=False)
    other = "nobody@example.com" if case == "unknown" else "inactive@example.com"
    before = len(outbox(app))
    known = JSONClient(app, "198.51.100.1").post(
        "/reset", json={"email": "ann@example.com"}
    )
    unknown = JSONClient(app, "198.51.100.2").post("/reset", json={"email": other})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data() == unknown.get_data()
    assert len(outbox(app)) == before + 1
    first = Browser(app, "198.51.100.3").fill("/reset", {"email": "ann@example.com"})
    second = Browser(app, "198.51.100.4").fill("/reset", {"email": other})
    assert (first.status_code, first.location) == (second.status_code, second.location)


def test_forgot_password_names_the_problem_when_generic_answers_are_off(
    tmp_path: Path,
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_RETURN_GENERIC_RESPONSES=False,
    )
    response = JSONClient(app).post("/reset", json={"email": "nobody@example.com"})
    assert response.status_code == 400
    assert body(response)["field_errors"]["email"] == [
        "No account uses this e-mail address."
    ]


def test_forgot_password_is_rate_limited(app: Vial) -> None:
    add_user(app)
    api = JSONClient(app)
    answers = [api.post("/reset", json={"email": "ann@example.com"}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert len(mails_to(app, "ann@example.com")) == 3
    # An unknown address is limited alike: the limit tells nothing.
    answers = [
        JSONClient(app, f"198.51.100.{i}").post(
            "/reset", json={"email": "no@example.com"}
        )
        for i in range(4)
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]


def test_changing_the_password_ends_every_other_login(app: Vial) -> None:
    """The session that changes the password goes on; other sessions, remember
    cookies and API tokens of the user stop working."""
    add_user(app)
    _protected(app)
    changed: list[str] = []
    password_changed.connect(lambda app, user: changed.append(user.email), weak=False)
    here = Browser(app)
    here.log_in(remember=True)
    elsewhere = Browser(app)
    elsewhere.log_in(remember=True)
    remembered = Browser(app)
    remembered.log_in(remember=True)
    remembered.client.delete_cookie("session", domain="accounts.test")
    api = JSONClient(app)
    login = api.post(
        "/login?include_auth_token",
        json={"email": "ann@example.com", "password": PASSWORD},
    )
    token_client = JSONClient(app)
    token_client.token = body(login)["user"]["authentication_token"]
    for client in (here, elsewhere, remembered):
        assert client.get("/private").status_code == 200
    assert token_client.get("/private").status_code == 200

    try:
        here.get("/change")
        response = here.submit(
            {
                "password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
            }
        )
    finally:
        password_changed.receivers.clear()
    assert response.status_code == 302
    assert "Every other device was logged out." in here.follow(response).text
    assert changed == ["ann@example.com"]
    assert here.get("/private").status_code == 200
    # The remember-me cookie of this browser was renewed with the new id.
    here.client.delete_cookie("session", domain="accounts.test")
    assert here.get("/private").status_code == 200
    assert elsewhere.get("/private").status_code == 302
    assert remembered.get("/private").status_code == 302
    assert token_client.get("/private").status_code == 401
    assert api.get("/private").status_code == 401
    assert mails_to(app, "ann@example.com")[-1].subject == "Your password was changed"


def test_changing_the_password_needs_the_current_one(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    browser.log_in()
    browser.get("/change")
    response = browser.submit(
        {
            "password": "wrong",
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        }
    )
    assert response.status_code == 400
    assert "The current password is wrong." in response.text
    response = browser.submit(
        {
            "password": PASSWORD,
            "new_password": PASSWORD,
            "new_password_confirm": PASSWORD,
        },
        page=response,
    )
    assert response.status_code == 400
    assert "Choose a password different from the current one." in response.text


def test_wrong_current_passwords_count_towards_the_lockout(
    app: Vial, browser: Browser, clock: Clock
) -> None:
    add_user(app)
    browser.log_in()
    page = browser.get("/change")
    statuses = []
    for _ in range(6):
        page = browser.submit(
            {
                "password": "guess",
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
            },
            page=page,
        )
        statuses.append(page.status_code)
        clock.advance(30)
    assert statuses == [400, 400, 400, 400, 400, 429]
    assert page.headers["Retry-After"]


def test_the_change_page_needs_a_login(app: Vial) -> None:
    browser = Browser(app)
    response = browser.get("/change")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fchange"
    assert JSONClient(app).get("/change").status_code == 401


def test_a_token_client_changes_its_password_and_gets_a_new_token(app: Vial) -> None:
    add_user(app)
    _protected(app)
    login = JSONClient(app).post(
        "/login?include_auth_token",
        json={"email": "ann@example.com", "password": PASSWORD},
    )
    api = JSONClient(app)
    api.token = body(login)["user"]["authentication_token"]
    old_token = api.token
    response = api.post(
        "/change",
        json={
            "password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200, response.text
    new_token = body(response)["authentication_token"]
    assert new_token != old_token
    assert api.get("/private").status_code == 401
    api.token = new_token
    assert api.get("/private").status_code == 200
