from __future__ import annotations

from datetime import timedelta

import pytest
from support import body
from support import log_in
from support import manager_of
from support import User
from support import users

from vial import Blueprint
from vial import g
from vial import session
from vial import Vial
from vial.testing import VialClient
from vial_login import AnonymousUserMixin
from vial_login import confirm_login
from vial_login import current_user
from vial_login import decode_cookie
from vial_login import encode_cookie
from vial_login import login_fresh
from vial_login import login_remembered
from vial_login import login_url
from vial_login import login_user
from vial_login import logout_user
from vial_login import set_login_view
from vial_login.sessions import create_identifier
from vial_login.utils import _create_identifier
from vial_login.utils import _secret_key
from vial_login.utils import make_next_param


def test_current_user_is_anonymous_before_login(app: Vial, client: VialClient) -> None:
    assert body(client.get("/me")) == {
        "id": None,
        "authenticated": False,
        "fresh": False,
        "remembered": False,
    }


def test_current_user_is_none_outside_a_request(app: Vial, app_ctx: object) -> None:
    assert current_user._get_current_object() is None


def test_login_and_logout(app: Vial, client: VialClient) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    log_in(client)
    assert body(client.get("/me")) == {
        "id": alice.get_id(),
        "authenticated": True,
        "fresh": True,
        "remembered": False,
    }
    assert client.get("/protected").get_data(as_text=True) == "hello alice"
    assert client.post("/logout").get_data(as_text=True) == "bye"
    assert body(client.get("/me"))["authenticated"] is False
    assert client.get("/protected").status_code == 302


def test_user_is_kept_on_g_under_a_prefixed_name(app: Vial) -> None:
    alice = users(app).by_name("alice")
    with app.test_request_context():
        login_user(alice)
        assert g._login_user is alice
        assert current_user.name == "alice"
        # Nothing unprefixed is put on g.
        assert [name for name in g if not name.startswith("_")] == []


def test_inactive_user_is_refused_unless_forced(app: Vial) -> None:
    carol = users(app).by_name("carol")
    assert carol is not None
    with app.test_request_context():
        assert login_user(carol) is False
        assert "_user_id" not in session
        assert current_user.is_authenticated is False
    with app.test_request_context():
        assert login_user(carol, force=True) is True
        assert session["_user_id"] == carol.get_id()


def test_login_user_fresh_flag_and_confirm_login(app: Vial) -> None:
    alice = users(app).by_name("alice")
    with app.test_request_context():
        login_user(alice, fresh=False)
        assert login_fresh() is False
        confirm_login()
        assert login_fresh() is True
        assert session["_id"] == manager_of(app)._session_identifier_generator()


def test_login_user_duration_must_be_a_timedelta(app: Vial) -> None:
    alice = users(app).by_name("alice")
    with app.test_request_context():
        with pytest.raises(TypeError, match=r"must be a datetime\.timedelta, not int"):
            login_user(alice, remember=True, duration=30)
        assert "_user_id" not in session
        assert login_user(alice, remember=True, duration=timedelta(hours=1))
        assert session["_remember_seconds"] == 3600.0
        assert session["_remember"] == "set"


def test_logout_returns_the_anonymous_user(app: Vial) -> None:
    alice = users(app).by_name("alice")
    with app.test_request_context():
        login_user(alice)
        assert logout_user() is True
        assert isinstance(current_user._get_current_object(), AnonymousUserMixin)
        assert "_user_id" not in session
        assert "_fresh" not in session


def test_login_required_lets_options_through(app: Vial, client: VialClient) -> None:
    assert client.get("/protected").status_code == 302
    assert client.post("/protected").status_code == 302
    response = client.options("/protected")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "hello None"


def test_login_disabled_lets_everyone_through(app: Vial, client: VialClient) -> None:
    app.config["LOGIN_DISABLED"] = True
    assert client.get("/protected").get_data(as_text=True) == "hello None"
    assert client.get("/fresh").get_data(as_text=True) == "fresh None"


def test_anonymous_user_has_no_name(app: Vial) -> None:
    class Guest(AnonymousUserMixin):
        name = None

    manager_of(app).anonymous_user = Guest
    with app.test_request_context():
        assert isinstance(current_user._get_current_object(), Guest)


def test_fresh_login_required(app: Vial, client: VialClient) -> None:
    response = client.get("/fresh")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Ffresh"
    log_in(client)
    assert client.get("/fresh").get_data(as_text=True) == "fresh alice"
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    response = client.get("/fresh")
    assert response.status_code == 302
    assert response.location == "/reauth?next=%2Ffresh"
    assert client.post("/reauth?next=/fresh").location == "/fresh"
    assert client.get("/fresh").get_data(as_text=True) == "fresh alice"


def test_login_url(app: Vial) -> None:
    with app.test_request_context("http://localhost/"):
        assert login_url("login") == "/login"
        assert (
            login_url("login", "/protected?x=1") == "/login?next=%2Fprotected%3Fx%3D1"
        )
        assert (
            login_url("login", "http://localhost/a?b=c") == "/login?next=%2Fa%3Fb%3Dc"
        )
        assert login_url("/sign-in?lang=en", "/a", next_field="to") == (
            "/sign-in?lang=en&to=%2Fa"
        )
        assert login_url("https://auth.example/login", "http://localhost/a") == (
            "https://auth.example/login?next=http%3A%2F%2Flocalhost%2Fa"
        )
        app.config["FORCE_HOST_FOR_REDIRECTS"] = "auth.example"
        assert login_url("/login", "/a") == "//auth.example/login?next=%2Fa"


def test_make_next_param() -> None:
    assert make_next_param("/login", "http://localhost/a?b=1") == "/a?b=1"
    assert make_next_param("http://localhost/login", "http://localhost/a") == "/a"
    assert make_next_param("https://other/login", "http://localhost/a") == (
        "http://localhost/a"
    )


def test_set_login_view(app: Vial) -> None:
    manager = manager_of(app)
    manager.blueprint_login_views.clear()
    with app.app_context():
        set_login_view("signin")
        assert manager.login_view == "signin"
        bp = Blueprint("shop", "shop")
        set_login_view("shop.signin", blueprint=bp)
        # A new lookup: mypy narrowed manager.login_view to str above.
        assert manager_of(app).login_view is None
        assert manager.blueprint_login_views == {None: "signin", "shop": "shop.signin"}


def test_functions_without_the_extension_explain_the_fix() -> None:
    app = Vial("bare")
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match=r"create LoginManager\(app\)"),
    ):
        login_user(User(1, "x", "y"))


def test_secret_key_as_bytes(app: Vial) -> None:
    assert _secret_key("\x9e\x8f\x14") == b"\x9e\x8f\x14"
    assert _secret_key(b"raw") == b"raw"
    # Text outside Latin-1 cannot be encoded as Flask-Login did.
    assert _secret_key("ключ") == "ключ".encode()
    with app.app_context():
        assert _secret_key() == b"test secret key"
        app.config["SECRET_KEY"] = None
        with pytest.raises(RuntimeError, match="No SECRET_KEY is set"):
            _secret_key()


def test_create_identifier_is_flask_logins_name(app: Vial) -> None:
    assert _create_identifier is create_identifier
    assert manager_of(app)._session_identifier_generator is create_identifier


# Flask-Login's encode_cookie / decode_cookie

# HMAC-SHA512 of "42:café" (UTF-8) keyed by b"vector key", hex.
VECTOR_DIGEST = (
    "3f024c3f739bcb61cf73e410a11c3adb7972e469f3ca7826490387c2ee305681"
    "6c4323575ef3ba7171fde64ed42bbf6b1356d65d1ab98a704f9d6baa29470fb9"
)


def test_encode_cookie_is_the_payload_and_its_hmac(app: Vial) -> None:
    expected = f"42:café|{VECTOR_DIGEST}"
    assert encode_cookie("42:café", key="vector key") == expected
    assert encode_cookie("42:café", key=b"vector key") == expected
    assert decode_cookie(expected, key="vector key") == "42:café"
    app.config["SECRET_KEY"] = "vector key"
    with app.app_context():
        assert encode_cookie("42:café") == expected
        assert decode_cookie(expected) == "42:café"


def test_decode_cookie_refuses_what_encode_cookie_did_not_make(app: Vial) -> None:
    with app.app_context():
        good = encode_cookie("7")
        payload, _, digest = good.partition("|")
        other = "8" if digest[0] != "8" else "9"
        for bad in (
            "no separator",
            "7|",
            "|" + digest,
            "8|" + digest,  # another payload under the same digest
            payload + "|" + other + digest[1:],  # one digit changed
            payload + "|" + digest.upper(),
            payload + "|" + digest[:-1],
            payload + "|" + digest + "0",
            payload + "|é" + digest[1:],  # not ASCII: refused, no TypeError
            payload + "|\ud800" + digest[1:],  # not even UTF-8
            "\ud800|" + digest,
            encode_cookie("7", key="another key"),
        ):
            assert decode_cookie(bad) is None, bad


def test_decode_cookie_splits_at_the_last_bar(app: Vial) -> None:
    with app.app_context():
        value = encode_cookie("a|b|c")
        assert value.count("|") == 3
        assert decode_cookie(value) == "a|b|c"


def test_decode_cookie_accepts_the_fallback_keys(app: Vial) -> None:
    with app.app_context():
        old = encode_cookie("7")
    app.config["SECRET_KEY"] = "rotated key"
    with app.app_context():
        assert decode_cookie(old) is None
        app.config["SECRET_KEY_FALLBACKS"] = ["unrelated", "test secret key"]
        assert decode_cookie(old) == "7"
        # A key given explicitly is the only one tried.
        assert decode_cookie(old, key="rotated key") is None
        # New values are made with the current key only.
        assert encode_cookie("7") != old


def test_encode_cookie_needs_a_secret_key(app: Vial) -> None:
    app.config["SECRET_KEY"] = None
    with app.app_context(), pytest.raises(RuntimeError, match="No SECRET_KEY is set"):
        encode_cookie("7")


def test_flask_login_helpers_make_no_remember_cookie(app: Vial) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    # vial-login's own cookie is not Flask-Login's value...
    client = app.test_client()
    log_in(client, remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    with app.app_context():
        assert decode_cookie(cookie.value) is None
        compat = encode_cookie(alice.get_id())
    # ...and Flask-Login's value (no salt, no expiry) logs nobody in.
    browser = app.test_client()
    browser.set_cookie("remember_token", compat)
    assert body(browser.get("/me"))["authenticated"] is False
    assert browser.get_cookie("remember_token") is None
    assert _remembered_with(app, compat) is False
    assert _remembered_with(app, cookie.value) is True


def _remembered_with(app: Vial, cookie: str) -> bool:
    """Return what login_remembered() says for a request carrying ``cookie``."""
    with app.test_request_context(headers={"Cookie": f"remember_token={cookie}"}):
        return login_remembered()
