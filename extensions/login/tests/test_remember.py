from __future__ import annotations

import hashlib
import re
import time
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from unittest import mock

import pytest
from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer
from support import body
from support import log_in
from support import manager_of
from support import User
from support import users
from werkzeug.http import parse_cookie
from werkzeug.test import TestResponse

from vial import g
from vial import render_template_string
from vial import Vial
from vial.ext import identity_changed
from vial.testing import VialClient
from vial_login import current_user
from vial_login import login_manager as login_manager_module
from vial_login import LoginManager
from vial_login.remember import cookie_duration
from vial_login.remember import read_cookie
from vial_login.remember import RememberedLogin
from vial_login.remember import sign_cookie
from vial_wtf import CSRFProtect
from vial_wtf import VialForm


def _login(
    client: VialClient, name: str = "alice", remember: bool = True
) -> TestResponse:
    """Log in, with "remember me" unless told otherwise."""
    return log_in(client, name, remember=remember)


def _cookie_user(cookie: str, key: str | None = None) -> str | None:
    """Return the user id a remember-me cookie carries, or None if refused."""
    loaded = read_cookie(cookie, key)
    return None if loaded is None else loaded.user_id


def _set_cookie_header(response: TestResponse, name: str) -> str:
    headers = [
        h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")
    ]
    assert len(headers) == 1, headers
    return headers[0]


def _remember_only_client(app: Vial, client: VialClient) -> VialClient:
    """A new browser session holding only the remember-me cookie of ``client``."""
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    fresh_browser = app.test_client()
    fresh_browser.set_cookie("remember_token", cookie.value)
    return fresh_browser


def test_remember_cookie_attributes(app: Vial, client: VialClient) -> None:
    response = _login(client)
    header = _set_cookie_header(response, "remember_token")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Secure" not in header
    assert "Domain" not in header
    expires = response.headers.getlist("Set-Cookie")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.expires is not None
    expected = datetime.now(timezone.utc) + timedelta(days=365)
    assert abs((cookie.expires - expected).total_seconds()) < 60, expires


def test_remember_cookie_config(app: Vial, client: VialClient) -> None:
    app.config.update(
        REMEMBER_COOKIE_NAME="keep",
        REMEMBER_COOKIE_DURATION=3600,
        REMEMBER_COOKIE_DOMAIN="example.test",
        REMEMBER_COOKIE_PATH="/app",
        REMEMBER_COOKIE_SECURE=True,
        REMEMBER_COOKIE_HTTPONLY=False,
        REMEMBER_COOKIE_SAMESITE="Strict",
    )
    header = _set_cookie_header(_login(client), "keep")
    assert "Domain=example.test" in header
    assert "Path=/app" in header
    assert "Secure" in header
    assert "HttpOnly" not in header
    assert "SameSite=Strict" in header
    assert "Max-Age=3600" in header


def test_no_remember_cookie_without_remember(app: Vial, client: VialClient) -> None:
    response = _login(client, remember=False)
    assert not any(
        h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie")
    )


def test_remember_cookie_logs_in_a_new_session(app: Vial, client: VialClient) -> None:
    _login(client)
    browser = _remember_only_client(app, client)
    me = body(browser.get("/me"))
    assert me is not None
    assert me["authenticated"] is True
    assert me["fresh"] is False
    assert me["remembered"] is True
    assert browser.get("/protected").get_data(as_text=True) == "hello alice"
    # A remembered login is not fresh: sensitive views ask for the password.
    assert browser.get("/fresh").location == "/reauth?next=%2Ffresh"


def test_tampered_cookie_is_refused_and_deleted(app: Vial, client: VialClient) -> None:
    _login(client)
    value = client.get_cookie("remember_token").value  # type: ignore[union-attr]
    _, _, signature = value.partition(".")
    bob = users(app).by_name("bob")
    assert bob is not None
    forged_payload = URLSafeTimedSerializer("x").dump_payload([bob.get_id(), 3600])
    for forged in (
        forged_payload.decode() + "." + signature,  # another user's id
        value[:-2] + ("AA" if not value.endswith("AA") else "BB"),  # flipped bits
        "garbage",
        "",
    ):
        browser = app.test_client()
        browser.set_cookie("remember_token", forged)
        response = browser.get("/protected")
        assert response.status_code == 302, forged
        assert browser.get_cookie("remember_token") is None, forged


def test_cookie_signed_with_another_key_or_salt_is_refused(
    app: Vial, client: VialClient
) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.test_request_context():
        other_key = sign_cookie(alice.get_id(), key="another secret")
        assert _cookie_user(other_key) is None
        assert _cookie_user(other_key, key="another secret") == alice.get_id()
        # Same key and digest, other salts: how any other signed value of the
        # app looks (itsdangerous' default salt, the session cookie's salt).
        for salt in ("itsdangerous", "cookie-session"):
            other_purpose = URLSafeTimedSerializer(
                "test secret key",
                salt=salt,
                signer_kwargs={"digest_method": hashlib.sha256},
            ).dumps([alice.get_id(), 60])
            assert _cookie_user(other_purpose) is None, salt
        # The same serializer with the cookie's own salt is accepted, so the
        # refusals above come from the salt alone.
        own_salt = URLSafeTimedSerializer(
            "test secret key",
            salt="vial-login.remember-cookie",
            signer_kwargs={"digest_method": hashlib.sha256},
        ).dumps([alice.get_id(), 60])
        assert _cookie_user(own_salt) == alice.get_id()


def test_secret_key_fallbacks_keep_cookies_valid(app: Vial) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.test_request_context():
        cookie = sign_cookie(alice.get_id())
    app.config["SECRET_KEY"] = "rotated key"
    with app.test_request_context():
        assert _cookie_user(cookie) is None
    app.config["SECRET_KEY_FALLBACKS"] = ["test secret key"]
    with app.test_request_context():
        assert _cookie_user(cookie) == alice.get_id()


def test_password_change_invalidates_remember_cookies(
    app: Vial, client: VialClient
) -> None:
    _login(client)
    stolen = client.get_cookie("remember_token")
    assert stolen is not None
    attacker = app.test_client()
    attacker.set_cookie("remember_token", stolen.value)
    assert attacker.get("/protected").status_code == 200
    alice = users(app).by_name("alice")
    assert alice is not None
    alice.set_password("a brand new password")
    # The stolen cookie is replayed after the password change: refused.
    replay = app.test_client()
    replay.set_cookie("remember_token", stolen.value)
    assert replay.get("/protected").status_code == 302
    assert replay.get_cookie("remember_token") is None
    # The attacker's session from before the change is stale as well.
    assert attacker.get("/protected").status_code == 302
    assert client.get("/protected").status_code == 302


def test_expired_cookie_is_refused(
    app: Vial, client: VialClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["REMEMBER_COOKIE_DURATION"] = timedelta(hours=1)
    signed_at = int(time.time()) - 3601
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: signed_at)
    _login(client)
    monkeypatch.undo()
    browser = _remember_only_client(app, client)
    assert browser.get("/protected").status_code == 302


def test_login_duration_is_signed_into_the_cookie(
    app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.test_request_context():
        short = sign_cookie(alice.get_id(), max_age=60)
        assert _cookie_user(short) == alice.get_id()
    later = int(time.time()) + 61
    monkeypatch.setattr(time, "time", lambda: later)
    with app.test_request_context():
        assert _cookie_user(short) is None
        # A cookie with the app's one-year default is still fine then.
        assert _cookie_user(sign_cookie(alice.get_id())) == alice.get_id()


def test_a_cookie_carries_a_registry_id(app: Vial) -> None:
    with app.app_context():
        value = sign_cookie("1:abc", max_age=60, login_id="z" * 43)
        assert read_cookie(value) == RememberedLogin("1:abc", 60, "z" * 43)
        assert _cookie_user(value) == "1:abc"
        assert read_cookie(sign_cookie("1:abc", max_age=60)) == RememberedLogin(
            "1:abc", 60, None
        )


@pytest.mark.parametrize(
    "data", [["1:abc", 60, 7], ["1:abc", 60, None], ["1", 60, "a", "b"]]
)
def test_a_cookie_of_another_shape_is_refused(app: Vial, data: list[object]) -> None:
    serializer = URLSafeTimedSerializer(
        "test secret key",
        salt="vial-login.remember-cookie",
        signer_kwargs={"digest_method": hashlib.sha256},
    )
    with app.app_context():
        assert read_cookie(serializer.dumps(data)) is None


def test_without_a_registry_a_cookie_with_a_registry_id_still_logs_in(
    app: Vial,
) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.app_context():
        value = sign_cookie(alice.get_id(), login_id="z" * 43)
    client = app.test_client()
    client.set_cookie("remember_token", value)
    assert body(client.get("/me"))["authenticated"] is True


def test_login_user_duration_sets_expiry(app: Vial) -> None:
    from vial_login import login_user

    alice = users(app).by_name("alice")

    @app.route("/short")
    def short() -> str:
        login_user(alice, remember=True, duration=timedelta(minutes=5))
        return "ok"

    response = app.test_client().get("/short")
    header = _set_cookie_header(response, "remember_token")
    assert "Max-Age=300" in header
    value = parse_cookie(header)["remember_token"]
    with app.test_request_context():
        assert _cookie_user(value) == alice.get_id()  # type: ignore[union-attr]


def test_logout_deletes_the_cookie(app: Vial, client: VialClient) -> None:
    _login(client)
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert body(client.get("/me"))["authenticated"] is False


def test_login_without_remember_drops_an_old_cookie(
    app: Vial, client: VialClient
) -> None:
    _login(client, "alice", remember=True)
    _login(client, "bob", remember=False)
    # Alice's cookie must not log her back in once Bob's session ends.
    assert client.get_cookie("remember_token") is None


def test_refresh_each_request(app: Vial, client: VialClient) -> None:
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    _login(client)
    response = client.get("/me")
    _set_cookie_header(response, "remember_token")
    # Nothing is added for a login without "remember me".
    other = app.test_client()
    _login(other, "bob", remember=False)
    response = other.get("/me")
    assert not any(
        h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie")
    )


def _sets_cookie(response: TestResponse, name: str = "remember_token") -> bool:
    return any(h.startswith(f"{name}=") for h in response.headers.getlist("Set-Cookie"))


def test_refresh_each_request_renews_a_cookie_not_sent_back(
    app: Vial, client: VialClient
) -> None:
    app.config.update(
        REMEMBER_COOKIE_REFRESH_EACH_REQUEST=True, REMEMBER_COOKIE_PATH="/account"
    )
    _login(client)
    # /me is outside the cookie's path, so the browser does not send it.
    response = client.get("/me")
    assert "Path=/account" in _set_cookie_header(response, "remember_token")


def test_refresh_each_request_renews_a_restored_login(
    app: Vial, client: VialClient
) -> None:
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    _login(client)
    browser = _remember_only_client(app, client)
    browser.get("/me")
    with browser.session_transaction() as sess:
        assert sess["_remember_seconds"] == 365 * 24 * 3600
    assert _sets_cookie(browser.get("/me"))


def test_a_refused_cookie_is_renewed_no_more(app: Vial, client: VialClient) -> None:
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    _login(client)
    alice = users(app).by_name("alice")
    assert alice is not None
    # The session's id and the cookie's both stop loading the user.
    alice.set_password("changed elsewhere")
    response = client.get("/me")
    assert "Max-Age=0" in _set_cookie_header(response, "remember_token")
    assert client.get_cookie("remember_token") is None
    for _ in range(2):
        assert not _sets_cookie(client.get("/me"))


def test_refresh_each_request_moves_the_expiry(app: Vial, client: VialClient) -> None:
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = True
    start = datetime(2030, 1, 2, 3, 4, 5)
    # The clock's name and method are Flask-Login's, which its users patch.
    with mock.patch("vial_login.login_manager.datetime") as clock:
        clock.utcnow.return_value = start
        _login(client)
        first = client.get_cookie("remember_token")
        clock.utcnow.return_value = start + timedelta(hours=1)
        client.get("/me")
        second = client.get_cookie("remember_token")
    assert first is not None
    assert second is not None
    year = timedelta(days=365)
    assert first.expires == (start + year).replace(tzinfo=timezone.utc)
    assert second.expires == (start + timedelta(hours=1) + year).replace(
        tzinfo=timezone.utc
    )
    with app.app_context():
        assert _cookie_user(second.value) == _cookie_user(first.value)


def test_the_expiry_clock_reads_utc() -> None:
    # Warnings are errors here: the clock does not call the utcnow() that
    # Python 3.12 deprecated.
    now = login_manager_module.datetime.utcnow()
    assert now.tzinfo is None
    utc = datetime.now(timezone.utc).replace(tzinfo=None)
    assert abs((utc - now).total_seconds()) < 5


def test_no_refresh_by_default(app: Vial, client: VialClient) -> None:
    _login(client)
    response = client.get("/me")
    assert not any(
        h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie")
    )


def test_cookie_duration() -> None:
    assert cookie_duration(90) == timedelta(seconds=90)
    assert cookie_duration(timedelta(days=2)) == timedelta(days=2)
    with pytest.raises(TypeError, match="REMEMBER_COOKIE_DURATION must be"):
        cookie_duration("1 day")


def test_missing_secret_key_is_a_clear_error(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with app.test_request_context(), pytest.raises(RuntimeError, match="SECRET_KEY"):
        sign_cookie("1")


# The login from the cookie is restored before the view runs


@pytest.fixture
def events(app: Vial) -> list[str]:
    """What happened in the requests to ``/look``, a view added to ``app``.

    The view notes whether the user was loaded when it started; every
    ``identity_changed`` of the app is noted too.
    """
    noted: list[str] = []

    @app.route("/look")
    def look() -> str:
        noted.append(f"view, user loaded: {'_login_user' in g}")
        return str(getattr(current_user, "name", None))

    def on_identity(sender: Vial, user: t.Any, reason: str) -> None:
        noted.append(f"identity_changed {reason}")

    identity_changed.connect(on_identity, app, weak=False)
    return noted


def test_the_cookie_login_is_restored_before_the_view(
    app: Vial, client: VialClient, events: list[str]
) -> None:
    _login(client)
    events.clear()
    browser = _remember_only_client(app, client)
    assert browser.get("/look").text == "alice"
    assert events == ["identity_changed remember", "view, user loaded: True"]
    # The restored session holds the login: the next request loads lazily.
    events.clear()
    assert browser.get("/look").text == "alice"
    assert events == ["view, user loaded: False"]


def test_requests_without_the_cookie_load_nobody_before_the_view(
    app: Vial, client: VialClient, events: list[str]
) -> None:
    assert client.get("/look").text == "None"
    _login(client, remember=False)
    events.clear()
    assert client.get("/look").text == "alice"
    assert events == ["view, user loaded: False"]


def test_a_refused_cookie_is_not_tried_again_before_the_view(
    app: Vial, events: list[str]
) -> None:
    loads: list[str] = []

    @manager_of(app).user_loader
    def load(user_id: str) -> User | None:
        loads.append(user_id)
        return users(app).load(user_id)

    browser = app.test_client()
    browser.set_cookie("remember_token", "forged")
    with browser.session_transaction() as sess:
        sess["_remember"] = "clear"
    assert browser.get("/look").text == "None"
    assert events == ["view, user loaded: False"]
    assert loads == []


def test_a_stray_cookie_without_a_user_loader_is_left_alone() -> None:
    app = Vial("api_only")
    app.config["SECRET_KEY"] = "k"
    manager = LoginManager(app)
    manager.request_loader(lambda request: None)

    @app.route("/")
    def index() -> str:
        return "ok"

    client = app.test_client()
    client.set_cookie("remember_token", "from another app")
    assert client.get("/").text == "ok"


FORM_PAGE = """\
<form method="post">
{{ form.hidden_tag() }}
<input type="hidden" name="page_token" value="{{ csrf_token() }}">
<p>Signed in as {{ current_user.name }}</p>
</form>"""


class NoteForm(VialForm):
    """A form with nothing but its CSRF field."""


def test_a_form_made_on_a_remembered_page_posts_with_vial_wtf(app: Vial) -> None:
    CSRFProtect(app)

    @app.route("/note", methods=["GET", "POST"])
    def note() -> str:
        # The form makes its CSRF token here, before anything reads
        # current_user (the template's context does, next).
        form = NoteForm()
        if form.validate_on_submit():
            return f"saved for {current_user.name}"
        if form.is_submitted():
            return f"refused: {form.errors}"
        return render_template_string(FORM_PAGE, form=form)

    alice = users(app).by_name("alice")
    assert alice is not None
    with app.app_context():
        remembered = sign_cookie(alice.get_id())
    browser = app.test_client()
    browser.set_cookie("remember_token", remembered)
    page = browser.get("/note").text
    assert "Signed in as alice" in page
    tokens = dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]+)"', page))
    page_token = re.search(r'name="page_token" value="([^"]+)"', page)
    assert page_token is not None
    for token in (tokens["csrf_token"], page_token[1]):
        response = browser.post("/note", data={"csrf_token": token})
        assert response.status_code == 200, response.text
        assert response.text == "saved for alice"
