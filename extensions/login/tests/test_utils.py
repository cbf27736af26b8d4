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
from vial_login import login_fresh
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
