"""The session registry: copies of cookies die with their login, on every store."""

from __future__ import annotations

import logging
import subprocess
import sys
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from backends import Backend
from backends import registry_of
from support import body
from support import build_app
from support import log_in
from support import users
from werkzeug.middleware.proxy_fix import ProxyFix

from vial import Vial
from vial.testing import VialClient
from vial_login import FlaskLoginClient
from vial_login import SessionRecord
from vial_login import SessionRegistry
from vial_login import SessionRegistryUnavailable
from vial_login import VialLoginClient
from vial_login.redis_store import RedisSessionStore
from vial_login.registry import describe_device
from vial_login.remember import read_cookie
from vial_login.remember import sign_cookie
from vial_login.state import find_registry


def _copy(app: Vial, client: VialClient, *names: str) -> VialClient:
    """A new browser holding copies of ``client``'s cookies ``names``."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _browser(app: Vial, **environ: str) -> VialClient:
    """A test client whose requests carry ``environ`` (an address, a user agent)."""
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def _me(client: VialClient) -> dict[str, t.Any]:
    return body(client.get("/me"))


def _login_id(client: VialClient) -> str:
    with client.session_transaction() as sess:
        login_id = sess["_login_id"]
    assert isinstance(login_id, str)
    return login_id


def _record(app: Vial, login_id: str) -> SessionRecord | None:
    with app.app_context():
        return registry_of(app).store.get(login_id)


class Clock:
    """A clock the test moves; it starts now, so Redis expiries stay ahead."""

    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


# Copies of cookies taken before a logout


def test_a_session_cookie_copied_before_logout_is_refused(backend: Backend) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client)
    copy = _copy(app, client, "session")
    assert copy.get("/protected").text == "hello alice"
    client.post("/logout")
    assert copy.get("/protected").status_code == 302
    assert _me(copy)["authenticated"] is False
    # The copy's login keys are gone too, not just ignored this once.
    with copy.session_transaction() as sess:
        assert "_user_id" not in sess
        assert "_login_id" not in sess


def test_a_remember_cookie_copied_before_logout_is_refused(backend: Backend) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client, remember=True)
    copy = _copy(app, client, "remember_token")
    client.post("/logout")
    response = copy.get("/me")
    assert body(response)["authenticated"] is False
    # The browser is told to drop it.
    assert copy.get_cookie("remember_token") is None
    assert "remember_token=;" in response.headers["Set-Cookie"]


def test_a_login_from_the_remember_cookie_continues_its_registry_entry(
    backend: Backend,
) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client, remember=True)
    login_id = _login_id(client)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    with app.app_context():
        remembered = read_cookie(cookie.value)
    assert remembered is not None
    assert remembered.login_id == login_id
    restored = _copy(app, client, "remember_token")
    assert _me(restored)["authenticated"] is True
    assert _login_id(restored) == login_id
    assert len(body(restored.get("/sessions"))["sessions"]) == 1
    # Logging out the restored session ends the original one with it.
    restored.post("/logout")
    assert _me(client)["authenticated"] is False


def test_a_new_login_in_the_same_session_revokes_the_old_one(backend: Backend) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client)
    first = _login_id(client)
    copy = _copy(app, client, "session")
    log_in(client, "bob")
    assert _login_id(client) != first
    assert _record(app, first) is None
    assert _me(copy)["authenticated"] is False
    assert _me(client)["id"] == users(app).by_name("bob").get_id()  # type: ignore[union-attr]


def test_each_login_gets_its_own_random_id(backend: Backend) -> None:
    app = backend.make_app()
    ids = set()
    for _ in range(3):
        client = app.test_client()
        log_in(client)
        ids.add(_login_id(client))
    assert len(ids) == 3
    assert all(len(login_id) >= 40 for login_id in ids)


# Workers


def test_two_workers_sharing_the_store_see_a_logout_at_once(backend: Backend) -> None:
    first, second = backend.make_app(), backend.make_app()
    client = first.test_client()
    log_in(client, remember=True)
    on_second = _copy(second, client, "session", "remember_token")
    assert on_second.get("/protected").text == "hello alice"
    client.post("/logout")
    assert on_second.get("/protected").status_code == 302


def test_an_admin_revocation_in_one_worker_ends_the_session_in_another(
    backend: Backend,
) -> None:
    first, second = backend.make_app(), backend.make_app()
    client = first.test_client()
    log_in(client)
    login_id = _login_id(client)
    admin = second.test_client()
    assert body(admin.post(f"/admin/sessions/{login_id}/revoke"))["ended"] is True
    assert client.get("/protected").status_code == 302


# Last seen


def test_last_seen_is_written_at_most_every_interval(backend: Backend) -> None:
    app = backend.make_app(LOGIN_SESSION_LAST_SEEN_INTERVAL=60)
    clock = Clock()
    registry_of(app).clock = clock
    client = _browser(app, REMOTE_ADDR="192.0.2.1")
    log_in(client)
    login_id = _login_id(client)
    created = _record(app, login_id)
    assert created is not None
    assert created.address == "192.0.2.1"
    lifetime = created.expires - created.last_seen

    clock.now += timedelta(seconds=59)
    client.environ_base["REMOTE_ADDR"] = "192.0.2.2"
    assert client.get("/protected").status_code == 200
    assert _record(app, login_id) == created

    clock.now += timedelta(seconds=1)
    assert client.get("/protected").status_code == 200
    touched = _record(app, login_id)
    assert touched is not None
    assert abs(touched.last_seen - clock.now) < timedelta(milliseconds=1)
    assert abs(touched.expires - (clock.now + lifetime)) < timedelta(milliseconds=1)
    assert touched.address == "192.0.2.2"
    assert touched.created == created.created


def test_a_record_outlives_the_cookies_of_its_login(backend: Backend) -> None:
    app = backend.make_app(
        PERMANENT_SESSION_LIFETIME=timedelta(days=2),
        REMEMBER_COOKIE_DURATION=timedelta(days=10),
        LOGIN_SESSION_LAST_SEEN_INTERVAL=60,
    )
    plain, remembered = app.test_client(), app.test_client()
    log_in(plain)
    log_in(remembered, remember=True)
    for client, days in ((plain, 2), (remembered, 10)):
        record = _record(app, _login_id(client))
        assert record is not None
        lifetime = record.expires - record.created
        assert lifetime == timedelta(days=days, seconds=60)


def test_an_expired_record_is_refused(backend: Backend) -> None:
    app = backend.make_app()
    clock = Clock()
    registry_of(app).clock = clock
    client = app.test_client()
    log_in(client)
    record = _record(app, _login_id(client))
    assert record is not None
    clock.now = record.expires
    assert client.get("/protected").status_code == 302


# A store that is down


def _outage(backend: Backend, app: Vial) -> t.Callable[[], None]:
    """Put the app's registry on a store that cannot be reached; return the fix."""
    registry = registry_of(app)
    store = registry.store
    registry.store = backend.down_store()

    def restore() -> None:
        registry.store = store

    return restore


def test_a_store_that_is_down_serves_sessions_as_anonymous(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client, remember=True)
    restore = _outage(backend, app)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        response = client.get("/me")
    assert response.status_code == 200
    assert body(response)["authenticated"] is False
    assert client.get("/protected").status_code == 302
    [message] = {record.getMessage() for record in caplog.records}
    assert "session registry's store cannot be reached" in message
    assert "LOGIN_SESSION_REGISTRY_ON_ERROR" in message
    assert caplog.records[0].exc_info is not None
    # Nothing was ended: the session and the remember-me cookie work again.
    assert client.get_cookie("remember_token") is not None
    restore()
    assert _me(client)["authenticated"] is True


def test_a_store_that_is_down_answers_503_when_configured(backend: Backend) -> None:
    app = backend.make_app(LOGIN_SESSION_REGISTRY_ON_ERROR="error")
    client = app.test_client()
    log_in(client)
    _outage(backend, app)
    page = client.get("/me")
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    response = client.get("/me", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert body(response)["code"] == 503
    assert "session store cannot be reached" in body(response)["error"]
    # Anonymous requests don't need the store.
    assert app.test_client().get("/").status_code == 200


def test_no_login_or_logout_while_the_store_is_down(backend: Backend) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client)
    restore = _outage(backend, app)
    other = app.test_client()
    form = {"name": "bob", "password": "bob password"}
    refused = other.post("/login", data=form)
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    with other.session_transaction() as sess:
        assert "_user_id" not in sess
    # A logout that could not be recorded changes nothing: try again later.
    refused = client.post("/logout")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    restore()
    assert _me(client)["authenticated"] is True
    client.post("/logout")
    assert _me(client)["authenticated"] is False


# Tampered and old sessions


@pytest.mark.parametrize(
    "login_id",
    [
        None,
        12345,
        ["a" * 43],
        {"id": "x"},
        "",
        "a" * 5000,
        "../../etc/passwd",
        "x" * 43,
    ],
    ids=["removed", "int", "list", "dict", "empty", "huge", "path", "unknown"],
)
def test_a_tampered_registry_id_is_anonymous_never_an_error(
    backend: Backend, login_id: t.Any
) -> None:
    app = backend.make_app()
    client = app.test_client()
    log_in(client)
    with client.session_transaction() as sess:
        if login_id is None:
            del sess["_login_id"]
        else:
            sess["_login_id"] = login_id
    assert client.get("/protected").status_code == 302
    assert _me(client)["authenticated"] is False


@pytest.mark.parametrize("login_id", [None, "", "z" * 43, "a" * 300])
def test_a_remember_cookie_with_an_unknown_registry_id_is_refused(
    backend: Backend, login_id: str | None
) -> None:
    app = backend.make_app()
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.app_context():
        value = sign_cookie(alice.get_id(), login_id=login_id)
    client = app.test_client()
    client.set_cookie("remember_token", value)
    assert _me(client)["authenticated"] is False
    assert client.get_cookie("remember_token") is None


def test_cookies_from_before_the_registry_are_refused(backend: Backend) -> None:
    plain = build_app()
    client = plain.test_client()
    log_in(client, remember=True)
    app = backend.make_app()
    assert _me(_copy(app, client, "session"))["authenticated"] is False
    assert _me(_copy(app, client, "remember_token"))["authenticated"] is False


@pytest.mark.parametrize("client_class", [VialLoginClient, FlaskLoginClient])
def test_the_test_client_records_its_login(
    backend: Backend, client_class: type[VialLoginClient]
) -> None:
    app = backend.make_app()
    app.test_client_class = client_class
    client = app.test_client(user=users(app).by_name("alice"))
    assert client.get("/protected").text == "hello alice"
    login_id = _login_id(client)
    assert _record(app, login_id) is not None
    app.test_client().post(f"/admin/sessions/{login_id}/revoke")
    assert client.get("/protected").status_code == 302


# Setting the registry up


def test_the_registry_is_off_by_default(app: Vial) -> None:
    assert app.config["LOGIN_SESSION_REGISTRY"] is None
    assert find_registry(app) is None
    client = app.test_client()
    log_in(client)
    with client.session_transaction() as sess:
        assert "_login_id" not in sess


def test_the_stores_are_imported_only_when_configured() -> None:
    code = (
        "import sys, vial_login;"
        " loaded = {'redis', 'sqlalchemy', 'vial_sqlalchemy'} & set(sys.modules);"
        " assert not loaded, loaded"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_store_object(backend: Backend) -> None:
    store = backend.down_store()
    app = backend.make_app(LOGIN_SESSION_REGISTRY=store)
    assert registry_of(app).store is store


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"LOGIN_SESSION_REGISTRY": "memcached"}, "set it to None"),
        ({"LOGIN_SESSION_REGISTRY": object()}, "SessionStore"),
        ({"LOGIN_SESSION_REGISTRY": RedisSessionStore}, "an instance"),
        ({"LOGIN_SESSION_REGISTRY": "redis"}, "LOGIN_SESSION_REGISTRY_URL is not set"),
        ({"LOGIN_SESSION_REGISTRY": "sqlalchemy"}, r"create SQLAlchemy\(app\)"),
    ],
)
def test_a_registry_setting_that_cannot_work_fails_at_init_app(
    config: dict[str, t.Any], message: str
) -> None:
    with pytest.raises((ValueError, RuntimeError), match=message):
        build_app(config)


@pytest.mark.parametrize("interval", [-1, "60", True, float("nan")])
def test_a_bad_last_seen_interval_fails_at_init_app(
    backend: Backend, interval: t.Any
) -> None:
    with pytest.raises(ValueError, match="LOGIN_SESSION_LAST_SEEN_INTERVAL"):
        backend.make_app(LOGIN_SESSION_LAST_SEEN_INTERVAL=interval)


def test_the_last_seen_interval_may_be_a_timedelta(backend: Backend) -> None:
    app = backend.make_app(LOGIN_SESSION_LAST_SEEN_INTERVAL=timedelta(minutes=5))
    assert registry_of(app).last_seen_interval == 300


def test_a_bad_error_mode_fails_at_init_app(backend: Backend) -> None:
    with pytest.raises(ValueError, match='"anonymous" or "error"'):
        backend.make_app(LOGIN_SESSION_REGISTRY_ON_ERROR="ignore")


@pytest.mark.parametrize(
    ("module", "extra"), [("redis", "redis"), ("sqlalchemy", "sqlalchemy")]
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, module: str, extra: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)
    monkeypatch.delitem(sys.modules, f"vial_login.{extra}_store", raising=False)
    config = {"LOGIN_SESSION_REGISTRY": extra, "LOGIN_SESSION_REGISTRY_URL": "redis://"}
    with pytest.raises(RuntimeError, match=rf"install vial-login\[{extra}\]"):
        build_app(config)


def test_registry_errors_are_503(backend: Backend) -> None:
    app = backend.make_app()
    registry = registry_of(app)
    registry.store = backend.down_store()
    with app.test_request_context(), pytest.raises(SessionRegistryUnavailable) as info:
        registry.open("1")
    assert info.value.code == 503
    assert isinstance(registry, SessionRegistry)


# Devices


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Firefox on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like"
            " Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)"
            " AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148"
            " Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like"
            " Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML,"
            " like Gecko) Version/17.5 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("curl/8.5.0", "curl"),
        ("python-requests/2.32.3", "python-requests"),
        ("", "Unknown device"),
        (None, "Unknown device"),
        ("\x00\x1b[31m" + "x" * 200, "[31m" + "x" * 60),
    ],
)
def test_describe_device(user_agent: str | None, device: str) -> None:
    assert describe_device(user_agent) == device


def test_the_record_describes_the_client(backend: Backend) -> None:
    app = backend.make_app()
    agent = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
    client = _browser(app, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=agent)
    log_in(client)
    record = _record(app, _login_id(client))
    assert record is not None
    assert record.device == "Firefox on Linux"
    assert record.address == "198.51.100.7"
    assert record.user_id == users(app).by_name("alice").get_id()  # type: ignore[union-attr]
    assert record.created == record.last_seen
    assert record.created.tzinfo is not None


def test_the_address_is_what_proxy_fix_says_never_the_raw_header(
    backend: Backend,
) -> None:
    app = backend.make_app()
    form = {"name": "alice", "password": "alice password"}
    headers = {"X-Forwarded-For": "203.0.113.9"}
    for proxy_fix, address in ((False, "192.0.2.1"), (True, "203.0.113.9")):
        if proxy_fix:
            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1)  # type: ignore[method-assign]
        client = _browser(app, REMOTE_ADDR="192.0.2.1")
        client.post("/login", data=form, headers=headers)
        record = _record(app, _login_id(client))
        assert record is not None
        assert record.address == address
