"""Setting vial-accounts up: the extensions it brings, the ones an app set up
itself, and the mistakes init_app refuses."""

from __future__ import annotations

import typing as t
from datetime import timedelta
from pathlib import Path

import pytest
from support import add_user
from support import Browser
from support import JSONClient
from support import PASSWORD

from vial import Vial
from vial_accounts import Accounts
from vial_accounts import MemoryUserDatastore
from vial_accounts.extension import in_memory_accounts
from vial_accounts.state import get_state
from vial_accounts.state import STATE
from vial_login import LoginManager
from vial_login.state import STATE as LOGIN_STATE
from vial_mail.state import STATE as MAIL_STATE
from vial_roles import get_datastore as get_roles_datastore
from vial_tokens import TokenAuth
from vial_tokens.state import STATE as TOKENS_STATE


def _app(**config: t.Any) -> Vial:
    app = Vial("extension_test")
    app.config.update(TESTING=True, SECRET_KEY="key", **config)
    return app


def test_accounts_sets_up_what_it_builds_on() -> None:
    app = _app()
    datastore = MemoryUserDatastore()
    Accounts(app, datastore)
    manager = LOGIN_STATE.get(app).manager
    assert manager.login_view == "accounts.login"
    assert "passwords" in app.extensions
    assert MAIL_STATE.is_registered(app)
    assert TOKENS_STATE.get(app).auth is get_state(app).tokens
    assert get_roles_datastore(app) is datastore
    assert get_state(app).datastore is datastore
    assert "users" in app.cli.commands


def test_the_app_s_own_extensions_are_used(tmp_path: Path) -> None:
    app = _app()
    manager = LoginManager(app)
    manager.login_view = "my_login"
    tokens = TokenAuth(app)

    @tokens.user_loader
    def my_loader(alt_id: str) -> t.Any:
        return None

    Accounts(app, MemoryUserDatastore())
    assert LOGIN_STATE.get(app).manager is manager
    assert manager.login_view == "my_login"
    assert manager.user_callback is not None  # the accounts' loader
    assert get_state(app).tokens is tokens
    assert tokens.user_loader_callback is my_loader


def test_one_object_serves_two_apps_with_their_own_datastores() -> None:
    accounts = Accounts()
    first, second = _app(), _app()
    first_store, second_store = MemoryUserDatastore(), MemoryUserDatastore()
    accounts.init_app(first, first_store)
    accounts.init_app(second, second_store)
    assert get_state(first).datastore is first_store
    assert get_state(second).datastore is second_store
    with first.app_context():
        first_store.create_user(email="ann@example.com", password=None)
    with second.app_context():
        assert second_store.find_user(email="ann@example.com") is None


def test_the_contract_factory_gives_a_memory_datastore() -> None:
    accounts = in_memory_accounts()
    assert isinstance(accounts.datastore, MemoryUserDatastore)
    app = _app()
    accounts.init_app(app)
    assert get_state(app).datastore is accounts.datastore


def test_memory_datastore_flows() -> None:
    app = _app(
        SERVER_NAME="accounts.test",
        MAIL_BACKEND="outbox",
        MAIL_OUTBOX_URL="memory://",
        MAIL_DEFAULT_SENDER="noreply@accounts.test",
        ACCOUNTS_REGISTERABLE=True,
        ACCOUNTS_CHANGEABLE=True,
        PASSWORD_SCHEMES=["pbkdf2_sha512"],
        PASSWORD_HASH_OPTIONS={"pbkdf2_sha512": {"rounds": 1000}},
    )
    in_memory_accounts(app)

    @app.get("/")
    def home() -> str:
        return "home"

    browser = Browser(app)
    browser.get("/register")
    response = browser.submit(
        {"email": "ann@example.com", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.location == "/"
    other = Browser(app)
    assert other.log_in().status_code == 302
    browser.get("/change")
    browser.submit(
        {
            "password": PASSWORD,
            "new_password": "another password",
            "new_password_confirm": "another password",
        }
    )
    assert browser.get("/change").status_code == 200
    assert other.get("/change").status_code == 302
    assert (
        JSONClient(app)
        .post(
            "/login", json={"email": "ann@example.com", "password": "another password"}
        )
        .status_code
        == 200
    )


def test_a_second_init_app_names_init_app() -> None:
    app = _app()
    Accounts(app, MemoryUserDatastore())
    with pytest.raises(RuntimeError, match="init_app"):
        Accounts(app, MemoryUserDatastore())
    assert STATE.is_registered(app)


def test_a_datastore_is_required() -> None:
    with pytest.raises(RuntimeError, match="needs a datastore"):
        Accounts(_app())
    with pytest.raises(TypeError, match="is not a user datastore"):
        Accounts(_app(), object())  # type: ignore[arg-type]


def test_a_secret_key_is_required() -> None:
    app = Vial("no_key")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        Accounts(app, MemoryUserDatastore())


@pytest.mark.parametrize("feature", ["ACCOUNTS_CONFIRMABLE", "ACCOUNTS_RECOVERABLE"])
def test_links_need_the_app_s_own_address(feature: str) -> None:
    app = _app(MAIL_DEFAULT_SENDER="noreply@example.com", **{feature: True})
    with pytest.raises(RuntimeError, match="ACCOUNTS_BASE_URL"):
        Accounts(app, MemoryUserDatastore())
    for setting in (
        {"SERVER_NAME": "example.com"},
        {"ACCOUNTS_BASE_URL": "https://e.x"},
    ):
        app = _app(
            MAIL_DEFAULT_SENDER="noreply@example.com", **{feature: True}, **setting
        )
        Accounts(app, MemoryUserDatastore())


def test_e_mails_need_a_sender() -> None:
    app = _app(SERVER_NAME="example.com", ACCOUNTS_RECOVERABLE=True)
    with pytest.raises(RuntimeError, match="MAIL_DEFAULT_SENDER"):
        Accounts(app, MemoryUserDatastore())
    app = _app(
        SERVER_NAME="example.com",
        ACCOUNTS_RECOVERABLE=True,
        ACCOUNTS_EMAIL_SENDER="accounts@example.com",
    )
    Accounts(app, MemoryUserDatastore())


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ACCOUNTS_LOCKOUT_WINDOW", "15 minutes"),
        ("ACCOUNTS_LOCKOUT_WINDOW", timedelta(seconds=-1)),
        ("ACCOUNTS_LOCKOUT_THRESHOLD", 0),
        ("ACCOUNTS_RATE_LIMIT_PER_EMAIL", True),
    ],
)
def test_unusable_settings_are_refused(key: str, value: t.Any) -> None:
    with pytest.raises(ValueError, match=key):
        Accounts(_app(**{key: value}), MemoryUserDatastore())


def test_redis_counters_when_a_url_is_given(redis_url: str) -> None:
    from vial_accounts import RedisCounters

    other = _app(ACCOUNTS_LOCKOUT_REDIS_URL=redis_url)
    Accounts(other, MemoryUserDatastore())
    counters = get_state(other).counters
    assert isinstance(counters, RedisCounters)
    counters.close()


def test_the_url_prefix_moves_every_view(tmp_path: Path) -> None:
    from support import make_app

    app = make_app(
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        tmp_path / "instance",
        ACCOUNTS_URL_PREFIX="/account",
    )
    add_user(app)
    browser = Browser(app)
    assert browser.get("/login").status_code == 404
    page = browser.get("/account/login")
    assert 'action="/account/login"' in page.text
    assert "/account/accounts-static/accounts.css" in page.text
    response = browser.submit({"email": "ann@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert browser.get("/account/change").status_code == 200
