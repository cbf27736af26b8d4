from __future__ import annotations

import typing as t

import pytest
from support import body
from support import log_in
from support import manager_of
from support import User
from support import users
from werkzeug.exceptions import Unauthorized
from werkzeug.http import parse_cookie

from vial import g
from vial import render_template_string
from vial import request
from vial import Response
from vial import session
from vial import Vial
from vial.ext import set_request_user
from vial.testing import VialClient
from vial_login import current_user
from vial_login import login_required
from vial_login import login_user
from vial_login import LoginManager
from vial_login.remember import read_cookie
from vial_login.state import LoginState
from vial_login.state import STATE
from vial_login.utils import _user_context_processor


def _add_views(app: Vial, user: User) -> None:
    """Add ``/in``, logging ``user`` in with "remember me", and ``/private``."""

    @app.route("/in")
    def sign_in() -> str:
        login_user(user, remember=True)
        return "in"

    @app.route("/private")
    @login_required
    def private() -> str:
        return "private"


def _flashes(client: VialClient, path: str = "/login") -> list[list[str]]:
    return t.cast("list[list[str]]", body(client.get(path))["flashes"])


def test_init_app_registers_the_manager(app: Vial) -> None:
    state = STATE.get(app)
    assert isinstance(state, LoginState)
    assert isinstance(state.manager, LoginManager)
    assert app.extensions["login"] is state
    # Flask-Login's name, read by code written for it.
    assert app.login_manager is state.manager  # type: ignore[attr-defined]
    assert app.config["REMEMBER_COOKIE_NAME"] == "remember_token"


def test_second_login_manager_replaces_the_first(app: Vial) -> None:
    first = manager_of(app)
    hooks = len(app.after_request_funcs[None])
    processors = len(app.template_context_processors[None])
    second = LoginManager(app)
    assert manager_of(app) is second
    assert app.login_manager is second  # type: ignore[attr-defined]
    # The app's hooks call the current manager; they are not added twice.
    assert len(app.after_request_funcs[None]) == hooks
    assert len(app.template_context_processors[None]) == processors
    first.init_app(app)
    assert manager_of(app) is first


def test_replacing_manager_serves_the_requests(app: Vial) -> None:
    alice = users(app).by_name("alice")
    assert alice is not None
    replacement = LoginManager(app)
    replacement.login_view = "admin.login_page"
    loaded: list[str] = []

    @replacement.user_loader
    def load(user_id: str) -> User | None:
        loaded.append(user_id)
        return users(app).load(user_id)

    _add_views(app, alice)
    client = app.test_client()
    response = client.get("/in")
    # One remember-me cookie, set by the one hook the app has.
    cookies = response.headers.getlist("Set-Cookie")
    assert len([c for c in cookies if c.startswith("remember_token=")]) == 1
    assert client.get("/protected").get_data(as_text=True) == "hello alice"
    assert loaded == [alice.get_id()]
    anonymous = app.test_client().get("/protected")
    assert anonymous.location == "/admin/login?next=%2Fprotected"


def test_context_processor_added_by_a_later_manager() -> None:
    app = Vial("late_processor")
    processors = app.template_context_processors[None]
    LoginManager(app, add_context_processor=False)
    assert _user_context_processor not in processors
    LoginManager(app)
    LoginManager(app, add_context_processor=False)
    assert processors.count(_user_context_processor) == 1
    with app.test_request_context():
        manager_of(app).user_loader(lambda user_id: None)
        rendered = render_template_string("{{ current_user.is_authenticated }}")
        assert rendered == "False"


def test_one_manager_serves_several_apps() -> None:
    manager = LoginManager()
    dora = User(7, "dora", "pw")
    manager.user_loader(lambda user_id: dora if user_id == dora.get_id() else None)
    first, second = Vial("first"), Vial("second")
    second.config["REMEMBER_COOKIE_NAME"] = "keep_me"
    for app in (first, second):
        app.config["SECRET_KEY"] = f"key of {app.name}"
        manager.init_app(app)
        _add_views(app, dora)

    assert manager_of(first) is manager_of(second) is manager
    assert not hasattr(manager, "app")
    first_client, second_client = first.test_client(), second.test_client()
    first_client.get("/in")
    second_client.get("/in")
    # Each app uses its own settings and its own keys.
    assert first_client.get_cookie("remember_token") is not None
    assert second_client.get_cookie("keep_me") is not None
    assert second_client.get_cookie("remember_token") is None
    stray = second.test_client()
    stray.set_cookie("keep_me", first_client.get_cookie("remember_token").value)  # type: ignore[union-attr]
    assert stray.get("/private").status_code == 401
    assert second_client.get("/private").status_code == 200


def test_unauthorized_redirects_with_next_and_message(
    app: Vial, client: VialClient
) -> None:
    response = client.get("/protected?page=2")
    assert response.status_code == 302
    assert response.location == "/login?next=%2Fprotected%3Fpage%3D2"
    assert _flashes(client) == [["message", "Please log in to access this page."]]


def test_login_message_settings(app: Vial, client: VialClient) -> None:
    manager = manager_of(app)
    manager.login_message = "Sign in first."
    manager.login_message_category = "info"
    manager.localize_callback = str.upper
    client.get("/protected")
    assert _flashes(client) == [["info", "SIGN IN FIRST."]]
    manager.login_message = None
    client.get("/protected")
    assert _flashes(client) == []


def test_unauthorized_without_login_view_is_401(app: Vial, client: VialClient) -> None:
    manager_of(app).login_view = None
    assert client.get("/protected").status_code == 401


def test_blueprint_login_view(app: Vial, client: VialClient) -> None:
    response = client.get("/admin/")
    assert response.location == "/admin/login?next=%2Fadmin%2F"
    assert client.get("/protected").location == "/login?next=%2Fprotected"


def test_unauthorized_handler(app: Vial, client: VialClient) -> None:
    manager = manager_of(app)

    @manager.unauthorized_handler
    def handler() -> tuple[str, int]:
        return "go away", 403

    response = client.get("/protected")
    assert response.status_code == 403
    assert response.get_data(as_text=True) == "go away"


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "application/json"},
        {"Accept": "application/json, text/html;q=0.5"},
    ],
)
def test_json_client_gets_401_json(
    app: Vial, client: VialClient, headers: dict[str, str]
) -> None:
    response = client.get("/protected", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/json"
    assert body(response) == {
        "code": 401,
        "name": "Unauthorized",
        "error": "Please log in to access this page.",
        "login_url": "/login?next=%2Fprotected",
    }
    assert _flashes(client) == []


def test_json_body_gets_401_json(app: Vial, client: VialClient) -> None:
    response = client.post("/protected", json={"x": 1})
    assert response.status_code == 401
    assert body(response)["login_url"] == "/login?next=%2Fprotected"


@pytest.mark.parametrize(
    "accept",
    ["*/*", "text/html,application/xhtml+xml,*/*;q=0.8", "text/html, application/json"],
)
def test_browser_gets_a_redirect(app: Vial, client: VialClient, accept: str) -> None:
    response = client.get("/protected", headers={"Accept": accept})
    assert response.status_code == 302


def test_json_client_without_login_view(app: Vial, client: VialClient) -> None:
    manager_of(app).login_view = None
    response = client.get("/protected", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert body(response) == {
        "code": 401,
        "name": "Unauthorized",
        "error": "Please log in to access this page.",
        "login_url": None,
    }


def test_browser_without_login_view_gets_a_401_page(
    app: Vial, client: VialClient
) -> None:
    manager = manager_of(app)
    manager.login_view = None
    manager.localize_callback = str.upper
    response = client.get("/protected")
    assert response.status_code == 401
    assert response.mimetype == "text/html"
    assert "PLEASE LOG IN TO ACCESS THIS PAGE." in response.get_data(as_text=True)


def test_app_error_handler_answers_the_401(app: Vial, client: VialClient) -> None:
    manager_of(app).login_view = None

    @app.errorhandler(Unauthorized)
    def handle(error: Unauthorized) -> tuple[str, int]:
        return f"custom: {error.description}", 401

    for headers in ({}, {"Accept": "application/json"}):
        response = client.get("/protected", headers=headers)
        assert response.status_code == 401
        text = response.get_data(as_text=True)
        assert text == "custom: Please log in to access this page."


def test_use_session_for_next(app: Vial, client: VialClient) -> None:
    app.config["USE_SESSION_FOR_NEXT"] = True
    response = client.get("/protected?page=2")
    assert response.location == "/login"
    with client.session_transaction() as sess:
        assert sess["next"] == "/protected?page=2"
    response = client.post(
        "/login", data={"name": "alice", "password": "alice password"}
    )
    assert response.location == "/protected?page=2"
    with client.session_transaction() as sess:
        assert "next" not in sess


def test_needs_refresh(app: Vial, client: VialClient) -> None:
    log_in(client)
    with client.session_transaction() as sess:
        sess["_fresh"] = False
    response = client.get("/fresh")
    assert response.location == "/reauth?next=%2Ffresh"
    assert _flashes(client, "/reauth") == [
        ["message", "Please reauthenticate to access this page."]
    ]
    response = client.get("/fresh", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert body(response) == {
        "code": 401,
        "name": "Unauthorized",
        "error": "Please reauthenticate to access this page.",
        "login_url": "/reauth?next=%2Ffresh",
    }
    manager = manager_of(app)
    manager.refresh_view = None
    assert client.get("/fresh").status_code == 401

    @manager.needs_refresh_handler
    def handler() -> str:
        return "type your password again"

    assert client.get("/fresh").get_data(as_text=True) == "type your password again"


def test_request_loader(app: Vial, client: VialClient) -> None:
    manager = manager_of(app)
    bob = users(app).by_name("bob")

    @manager.request_loader
    def from_api_key(request: t.Any) -> User | None:
        return bob if request.headers.get("X-Api-Key") == "bob-key" else None

    assert manager.request_callback is from_api_key
    response = client.get("/protected", headers={"X-Api-Key": "bob-key"})
    assert response.get_data(as_text=True) == "hello bob"
    assert client.get("/protected", headers={"X-Api-Key": "wrong"}).status_code == 302
    # The request loader does not log the client in for later requests.
    assert client.get("/protected").status_code == 302


def test_missing_loaders_is_a_clear_error() -> None:
    app = Vial("no_loader")
    app.config["SECRET_KEY"] = "k"
    LoginManager(app)
    with (
        app.test_request_context(),
        pytest.raises(RuntimeError, match=r"@login_manager\.user_loader"),
    ):
        login_required(lambda: "x")()


def test_stale_session_id_gives_the_anonymous_user(
    app: Vial, client: VialClient
) -> None:
    log_in(client)
    with client.session_transaction() as sess:
        sess["_user_id"] = "1:not-the-current-token"
    assert body(client.get("/me"))["authenticated"] is False


def test_session_protection_basic(app: Vial, client: VialClient) -> None:
    log_in(client)
    stolen = client.get_cookie("session")
    assert stolen is not None
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "ThiefBrowser/1.0"
    thief.set_cookie("session", stolen.value)
    # Still logged in, but not fresh: sensitive views ask for the password.
    assert thief.get("/protected").status_code == 200
    assert thief.get("/fresh").location == "/reauth?next=%2Ffresh"
    assert client.get("/fresh").status_code == 200


@pytest.mark.parametrize("configured", ["attribute", "config"])
def test_session_protection_strong(
    app: Vial, client: VialClient, configured: str
) -> None:
    if configured == "attribute":
        manager_of(app).session_protection = "strong"
    else:
        app.config["SESSION_PROTECTION"] = "strong"
    log_in(client, remember=True)
    stolen = client.get_cookie("session")
    assert stolen is not None
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "ThiefBrowser/1.0"
    thief.set_cookie("session", stolen.value)
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)  # type: ignore[union-attr]
    response = thief.get("/protected")
    assert response.status_code == 302
    # The session was emptied and the remember-me cookie deleted.
    assert thief.get_cookie("remember_token") is None
    assert body(thief.get("/me"))["authenticated"] is False
    assert client.get("/protected").status_code == 200


def test_session_protection_disabled(app: Vial, client: VialClient) -> None:
    app.config["SESSION_PROTECTION"] = None
    log_in(client)
    thief = app.test_client()
    thief.environ_base["HTTP_USER_AGENT"] = "ThiefBrowser/1.0"
    thief.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
    assert thief.get("/fresh").status_code == 200


def test_id_attribute(app: Vial) -> None:
    manager = manager_of(app)
    manager.id_attribute = "get_auth_token"

    class TokenUser(User):
        def get_auth_token(self) -> str:
            return f"token-{self.id}"

    with app.test_request_context():
        login_user(TokenUser(5, "eve", "pw"))
        from vial import session

        assert session["_user_id"] == "token-5"


def test_context_processor_exposes_current_user(app: Vial, client: VialClient) -> None:
    @app.route("/template")
    def template() -> str:
        return render_template_string(
            "{{ current_user.is_authenticated }} {{ current_user.name }}"
        )

    assert client.get("/template").get_data(as_text=True) == "False "
    log_in(client)
    assert client.get("/template").get_data(as_text=True) == "True alice"


def test_context_processor_can_be_left_out() -> None:
    app = Vial("no_processor")
    LoginManager(app, add_context_processor=False)
    with app.test_request_context():
        assert render_template_string("{{ current_user is defined }}") == "False"


def test_init_app_after_serving_leaves_no_false_setup() -> None:
    app = Vial("late_login")

    @app.route("/")
    def index() -> str:
        return "ok"

    app.test_client().get("/")
    with pytest.raises(AssertionError, match="first request"):
        LoginManager(app)
    assert "login" not in app.extensions
    assert not hasattr(app, "login_manager")


def _token_app(app: Vial) -> None:
    """Let requests with ``X-Token: bob-token`` authenticate as bob."""
    bob = users(app).by_name("bob")

    @app.before_request
    def authenticate_token() -> None:
        if request.headers.get("X-Token") == "bob-token":
            set_request_user(bob)


def test_request_user_is_the_current_user(app: Vial, client: VialClient) -> None:
    _token_app(app)
    response = client.get("/protected", headers={"X-Token": "bob-token"})
    assert response.get_data(as_text=True) == "hello bob"
    # Nothing is written: no session cookie, no remember-me cookie.
    assert response.headers.getlist("Set-Cookie") == []
    assert client.get("/protected").status_code == 302


def test_request_user_wins_over_the_session_for_one_request(
    app: Vial, client: VialClient
) -> None:
    _token_app(app)
    log_in(client, "alice", remember=True)
    response = client.get("/protected", headers={"X-Token": "bob-token"})
    assert response.get_data(as_text=True) == "hello bob"
    assert response.headers.getlist("Set-Cookie") == []
    assert client.get("/protected").get_data(as_text=True) == "hello alice"


def test_request_user_set_after_the_user_was_loaded(app: Vial) -> None:
    bob = users(app).by_name("bob")
    with app.test_request_context():
        assert current_user.is_authenticated is False
        set_request_user(bob)
        assert current_user._get_current_object() is bob
        # Code that loads the user again (Flask-Login's hook) keeps it.
        manager_of(app)._load_user()
        assert current_user._get_current_object() is bob
        assert "_user_id" not in session


def test_request_user_without_a_user_loader() -> None:
    app = Vial("tokens_only")
    LoginManager(app)
    token_user = User(9, "api", "pw")

    def token_required(view: t.Callable[[], str]) -> t.Callable[[], str]:
        def wrapper() -> str:
            set_request_user(token_user)
            return view()

        return wrapper

    @app.route("/api")
    @token_required
    def api() -> str:
        return f"api for {current_user.name}"

    assert app.test_client().get("/api").get_data(as_text=True) == "api for api"


def test_request_user_on_an_app_without_login() -> None:
    app = Vial("no_login")
    with app.test_request_context():
        set_request_user(User(9, "api", "pw"))
        assert "_login_user" not in g


def test_hooks_flask_login_code_calls(app: Vial) -> None:
    manager = manager_of(app)
    alice = users(app).by_name("alice")
    assert alice is not None
    with app.test_request_context():
        session["_user_id"] = alice.get_id()
        session["_remember_seconds"] = 60.0
        response = Response()
        manager._set_cookie(response)
        header = response.headers["Set-Cookie"]
        assert header.startswith("remember_token=")
        assert "Max-Age=60" in header
        value = parse_cookie(header)["remember_token"]
        assert read_cookie(value) == (alice.get_id(), 60, None)
        cleared = Response()
        manager._clear_cookie(cleared)
        assert "Max-Age=0" in cleared.headers["Set-Cookie"]
        manager._update_request_context_with_user(alice)
        assert current_user._get_current_object() is alice
        assert manager._load_user_from_remember_cookie(value) is alice


def test_subclass_overrides_are_used() -> None:
    calls: list[str] = []

    class Manager(LoginManager):
        def _load_user(self) -> None:
            calls.append("load")
            super()._load_user()

        def unauthorized(self) -> t.Any:
            calls.append("unauthorized")
            return "log in, please", 401

        def _set_cookie(self, response: t.Any) -> None:
            calls.append("set_cookie")
            super()._set_cookie(response)

    app = Vial("subclass")
    app.config["SECRET_KEY"] = "k"
    dora = User(4, "dora", "pw")
    manager = Manager(app)
    manager.user_loader(lambda user_id: dora if user_id == dora.get_id() else None)
    _add_views(app, dora)

    client = app.test_client()
    assert client.get("/private").get_data(as_text=True) == "log in, please"
    client.get("/in")
    assert client.get("/private").get_data(as_text=True) == "private"
    assert calls == ["load", "unauthorized", "set_cookie", "load"]
