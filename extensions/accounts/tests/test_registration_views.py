"""Registration and e-mail confirmation, as a browser and as a JSON client,
with the e-mails read from the outbox and their links followed."""

from __future__ import annotations

import threading
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
from vial_accounts import user_confirmed
from vial_accounts import user_registered


def _register(browser: Browser, email: str, password: str = PASSWORD) -> t.Any:
    return browser.fill(
        "/register",
        {"email": email, "password": password, "password_confirm": password},
    )


def test_a_browser_registers_confirms_and_logs_in(app: Vial, browser: Browser) -> None:
    registered: list[t.Any] = []
    confirmed: list[t.Any] = []
    user_registered.connect(lambda app, user: registered.append(user.email), weak=False)
    user_confirmed.connect(lambda app, user: confirmed.append(user.email), weak=False)
    try:
        response = _register(browser, "New.User@Example.com")
        assert response.status_code == 302
        assert response.location == "/login"
        page = browser.follow(response)
        assert "We sent you an e-mail with a link to confirm" in page.text
        assert registered == ["new.user@example.com"]
        user = find_user(app, "new.user@example.com")
        assert user is not None
        assert user.confirmed_at is None
        assert user.password != PASSWORD

        # Not confirmed yet: the login is refused, with a way to get a link.
        response = browser.log_in("new.user@example.com")
        assert response.status_code == 400
        assert "Confirm your e-mail address before you log in" in response.text
        assert 'href="/confirm"' in response.text

        [mail] = mails_to(app, "new.user@example.com")
        assert mail.subject == "Confirm your e-mail address"
        link = link_in(mail, "/confirm/")
        assert link.startswith("http://accounts.test/confirm/")
        assert link in (mail.html or "")
        response = browser.get(link)
        assert response.status_code == 302
        assert confirmed == ["new.user@example.com"]
        assert "your e-mail address is confirmed" in browser.follow(response).text
        assert find_user(app, "new.user@example.com").confirmed_at is not None

        assert browser.log_in("new.user@example.com").status_code == 302
        # The link is spent: it says so, and changes nothing.
        stranger = Browser(app)
        response = stranger.get(link)
        assert "confirmed already" in stranger.follow(response).text
        assert confirmed == ["new.user@example.com"]
    finally:
        user_registered.receivers.clear()
        user_confirmed.receivers.clear()


def test_a_json_client_registers_and_confirms(app: Vial, api: JSONClient) -> None:
    response = api.post(
        "/register",
        json={
            "email": "json@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert body(response) == {}
    link = link_in(mails_to(app, "json@example.com")[0], "/confirm/")
    response = api.get(link)
    assert response.status_code == 200
    assert find_user(app, "json@example.com").confirmed_at is not None


def test_registration_checks_the_form_and_the_password_policy(
    app: Vial, api: JSONClient
) -> None:
    response = api.post(
        "/register",
        json={
            "email": "not-an-address",
            "password": "short",
            "password_confirm": "other",
        },
    )
    assert response.status_code == 400
    fields = body(response)["field_errors"]
    assert fields["email"] == [
        "Enter a valid e-mail address, such as name@example.com."
    ]
    assert fields["password"] == ["The password must be at least 8 characters long."]
    assert fields["password_confirm"] == ["The two passwords differ."]
    assert outbox(app) == []


def test_without_confirmation_registering_logs_in(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_CONFIRMABLE=False,
    )
    browser = Browser(app)
    response = _register(browser, "ann@example.com")
    assert response.location == "/"
    page = browser.get("/login")
    assert page.status_code == 302  # logged in already
    assert outbox(app) == []


def test_login_without_confirmation_when_allowed(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_LOGIN_WITHOUT_CONFIRMATION=True,
    )
    browser = Browser(app)
    assert _register(browser, "ann@example.com").location == "/"
    assert len(mails_to(app, "ann@example.com")) == 1
    browser.get("/logout")
    browser.submit({})
    assert browser.log_in().status_code == 302


def test_a_taken_address_is_not_revealed_by_default(app: Vial) -> None:
    """With confirmation required, registering a taken address answers like
    any registration and tells the owner by e-mail."""
    add_user(app, "ann@example.com")
    first = _register(Browser(app), "fresh@example.com")
    taken = _register(Browser(app), "ANN@example.com", NEW_PASSWORD)
    assert taken.status_code == first.status_code == 302
    assert taken.location == first.location
    [notice] = mails_to(app, "ann@example.com")
    assert notice.subject == "You already have an account"
    assert "http://accounts.test/login" in notice.links
    assert "http://accounts.test/reset" in notice.links
    # The account kept its password.
    assert Browser(app).log_in().status_code == 302


def test_a_taken_address_is_named_when_generic_answers_are_off(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_RETURN_GENERIC_RESPONSES=False,
    )
    add_user(app)
    response = JSONClient(app).post(
        "/register",
        json={
            "email": "ann@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 400
    assert body(response)["field_errors"]["email"] == [
        "This e-mail address is already registered."
    ]


def test_registration_is_rate_limited_per_client_address(app: Vial) -> None:
    app.config["ACCOUNTS_RATE_LIMIT_PER_ADDRESS"] = 3
    api = JSONClient(app, remote_addr="198.51.100.1")
    for number in range(3):
        response = api.post(
            "/register",
            json={
                "email": f"user{number}@example.com",
                "password": PASSWORD,
                "password_confirm": PASSWORD,
            },
        )
        assert response.status_code == 200
    response = api.post(
        "/register",
        json={
            "email": "user9@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 3000
    assert body(response)["errors"][0].startswith("Too many requests.")
    assert find_user(app, "user9@example.com") is None
    # Another client is not affected.
    other = JSONClient(app, remote_addr="198.51.100.2")
    response = other.post(
        "/register",
        json={
            "email": "user9@example.com",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    assert response.status_code == 200


def test_registration_is_rate_limited_per_email(app: Vial, clock: Clock) -> None:
    for number in range(3):
        _register(Browser(app, remote_addr=f"198.51.100.{number}"), "ann@example.com")
    response = _register(Browser(app, remote_addr="198.51.100.9"), "Ann@example.com")
    assert response.status_code == 429
    assert "Too many requests" in response.text
    assert response.headers["Retry-After"]
    # The window passes.
    clock.advance(3601)
    response = _register(Browser(app, remote_addr="198.51.100.9"), "ann@example.com")
    assert response.status_code == 302


def test_resending_the_confirmation_link(app: Vial, browser: Browser) -> None:
    add_user(app, "ann@example.com", confirmed=False)
    response = browser.fill("/confirm", {"email": "ann@example.com"})
    assert response.status_code == 302
    mails = mails_to(app, "ann@example.com")
    assert len(mails) == 2  # at registration, and now
    assert browser.get(link_in(mails[-1], "/confirm/")).status_code == 302
    assert find_user(app, "ann@example.com").confirmed_at is not None


@pytest.mark.parametrize("case", ["unknown", "confirmed", "inactive"])
def test_resending_answers_the_same_for_any_address(app: Vial, case: str) -> None:
    add_user(app, "waiting@example.com", confirmed=False)
    add_user(app, "confirmed@example.com")
    add_user(app, "inactive@example.com", confirmed=False, active=False)
    sent_before = len(outbox(app))
    expected = JSONClient(app, "198.51.100.1").post(
        "/confirm", json={"email": "waiting@example.com"}
    )
    assert len(outbox(app)) == sent_before + 1
    other = {
        "unknown": "nobody@example.com",
        "confirmed": "confirmed@example.com",
        "inactive": "inactive@example.com",
    }[case]
    response = JSONClient(app, "198.51.100.2").post("/confirm", json={"email": other})
    assert response.status_code == expected.status_code == 200
    assert response.get_json() == expected.get_json()
    assert len(outbox(app)) == sent_before + 1  # no e-mail for them
    page = Browser(app).fill("/confirm", {"email": other})
    assert page.status_code == 302
    assert page.location == "/login"


def test_resending_names_the_problem_when_generic_answers_are_off(
    tmp_path: Path,
) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_RETURN_GENERIC_RESPONSES=False,
    )
    add_user(app)
    api = JSONClient(app)
    response = api.post("/confirm", json={"email": "nobody@example.com"})
    assert body(response)["field_errors"]["email"] == [
        "No account uses this e-mail address."
    ]
    response = api.post("/confirm", json={"email": "ann@example.com"})
    assert body(response)["field_errors"]["email"] == [
        "This e-mail address is confirmed already; log in."
    ]


def test_an_expired_confirmation_link_is_refused(
    app: Vial, browser: Browser, clock: Clock
) -> None:
    add_user(app, "ann@example.com", confirmed=False)
    link = link_in(mails_to(app, "ann@example.com")[0], "/confirm/")
    clock.advance(5 * 24 * 3600 + 5)
    response = browser.get(link)
    assert response.status_code == 400
    assert (
        "This link has expired. Ask for a new confirmation link below." in response.text
    )
    assert 'action="/confirm"' in response.text
    assert find_user(app, "ann@example.com").confirmed_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: token.split(".")[0],
    ],
    ids=["signature", "payload", "garbage", "unsigned"],
)
def test_a_forged_confirmation_link_is_refused(
    app: Vial, browser: Browser, tamper: t.Callable[[str], str]
) -> None:
    add_user(app, "ann@example.com", confirmed=False)
    link = link_in(mails_to(app, "ann@example.com")[0], "/confirm/")
    token = link.rsplit("/", 1)[1]
    response = browser.get(f"/confirm/{tamper(token)}")
    assert response.status_code == 400
    assert "This link is not valid." in response.text
    assert find_user(app, "ann@example.com").confirmed_at is None


def test_a_confirmation_link_signed_with_another_key_is_refused(
    app: Vial, tmp_path: Path, browser: Browser
) -> None:
    other = make_app(
        f"sqlite:///{tmp_path / 'other.sqlite3'}",
        tmp_path / "other",
        name="other_app",
        SECRET_KEY="another key",
    )
    add_user(other, "ann@example.com", confirmed=False)
    add_user(app, "ann@example.com", confirmed=False)
    link = link_in(mails_to(other, "ann@example.com")[0], "/confirm/")
    assert browser.get(link).status_code == 400


def test_a_confirmation_link_confirms_only_the_address_it_was_sent_to(
    app: Vial, browser: Browser
) -> None:
    from vial_accounts import get_datastore

    add_user(app, "ann@example.com", confirmed=False)
    link = link_in(mails_to(app, "ann@example.com")[0], "/confirm/")
    with app.app_context():
        datastore = get_datastore()
        user = datastore.find_user(email="ann@example.com")
        user.email = "ann.new@example.com"
        datastore.put(user)
        datastore.commit()
    response = browser.get(link)
    assert response.status_code == 400
    assert find_user(app, "ann.new@example.com").confirmed_at is None


def _race(app: Vial, email: str, clients: int = 2) -> list[t.Any]:
    """Post the same registration from several threads at the same moment."""
    start = threading.Barrier(clients)
    answers: list[t.Any] = [None] * clients

    def run(index: int) -> None:
        api = JSONClient(app, remote_addr=f"198.51.100.{index + 1}")
        start.wait()
        answers[index] = api.post(
            "/register",
            json={"email": email, "password": PASSWORD, "password_confirm": PASSWORD},
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return answers


def test_two_registrations_of_one_address_at_once_make_one_user(
    database_url: str, tmp_path: Path
) -> None:
    """Both requests pass the check that the address is free; the unique
    constraint decides, and the loser gets a clean 400."""
    app = make_app(
        database_url,
        tmp_path / "instance",
        ACCOUNTS_RETURN_GENERIC_RESPONSES=False,
    )
    for attempt in range(3):
        email = f"race{attempt}@example.com"
        answers = _race(app, email)
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [200, 400], [a.text for a in answers]
        loser = next(a for a in answers if a.status_code == 400)
        assert body(loser)["field_errors"]["email"] == [
            "This e-mail address is already registered."
        ]
        with app.app_context():
            from support import db
            from support import User

            count = db.session.query(User).filter(User.email == email).count()
        assert count == 1


def test_racing_registrations_with_generic_answers_look_alike(
    database_url: str, tmp_path: Path
) -> None:
    app = make_app(database_url, tmp_path / "instance")
    answers = _race(app, "race@example.com")
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].get_json() == answers[1].get_json()
    # The winner got the confirmation link, and the owner was told of the
    # second attempt.
    subjects = sorted(m.subject for m in mails_to(app, "race@example.com"))
    assert subjects == ["Confirm your e-mail address", "You already have an account"]


def test_a_logged_in_browser_is_sent_on_from_the_registration_page(
    app: Vial, browser: Browser
) -> None:
    add_user(app)
    browser.log_in()
    assert browser.get("/register").status_code == 302


def test_views_that_are_off_have_no_url(tmp_path: Path) -> None:
    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_REGISTERABLE=False,
        ACCOUNTS_CONFIRMABLE=False,
        ACCOUNTS_RECOVERABLE=False,
        ACCOUNTS_CHANGEABLE=False,
    )
    browser = Browser(app)
    for url in ("/register", "/confirm", "/confirm/x", "/reset", "/reset/x", "/change"):
        assert browser.get(url).status_code == 404, url
    page = browser.get("/login")
    assert 'href="/register"' not in page.text
    assert 'href="/reset"' not in page.text
