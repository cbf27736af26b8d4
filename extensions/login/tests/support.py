"""Test support (not a test module): a user model, the test app and helpers."""

from __future__ import annotations

import hashlib
import hmac
import typing as t

from werkzeug.test import TestResponse

from vial import Blueprint
from vial import get_flashed_messages
from vial import jsonify
from vial import redirect
from vial import request
from vial import url_for
from vial import Vial
from vial.testing import VialClient
from vial.typing import ResponseReturnValue
from vial_login import confirm_login
from vial_login import current_user
from vial_login import fresh_login_required
from vial_login import get_next_url
from vial_login import login_fresh
from vial_login import login_remembered
from vial_login import login_required
from vial_login import login_user
from vial_login import LoginManager
from vial_login import logout_user
from vial_login import UserMixin
from vial_login.state import STATE


class User(UserMixin):
    """A user whose session id changes when the password changes."""

    def __init__(self, id: int, name: str, password: str, active: bool = True):
        self.id = id
        self.name = name
        self.active = active
        self.password_hash = ""
        self.set_password(password)

    def set_password(self, password: str) -> None:
        # A plain digest is enough for these tests; real apps use vial-passwords.
        self.password_hash = hashlib.sha256(password.encode()).hexdigest()

    def check_password(self, password: str) -> bool:
        digest = hashlib.sha256(password.encode()).hexdigest()
        return hmac.compare_digest(digest, self.password_hash)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The id plus a token derived from the password hash: a password
        # change makes every stored session and remember-me cookie stale.
        token = hashlib.sha256(b"session:" + self.password_hash.encode()).hexdigest()
        return f"{self.id}:{token[:16]}"


class UserStore:
    """The users of a test app, found by name or by session id."""

    def __init__(self) -> None:
        self.by_id: dict[int, User] = {}

    def add(self, user: User) -> User:
        self.by_id[user.id] = user
        return user

    def by_name(self, name: str) -> User | None:
        return next((u for u in self.by_id.values() if u.name == name), None)

    def load(self, session_id: str) -> User | None:
        user_id, _, _token = session_id.partition(":")
        user = self.by_id.get(int(user_id)) if user_id.isdigit() else None
        if user is None or not hmac.compare_digest(user.get_id(), session_id):
            return None
        return user


def build_app(
    config: t.Mapping[str, t.Any] | None = None,
    setup: t.Callable[[Vial], None] | None = None,
) -> Vial:
    """A small app with users, a login form and protected views.

    :param config: set before the extensions are set up.
    :param setup: called with the app before ``LoginManager(app)``, to set up
        what the login manager needs (vial-sqlalchemy for the registry).
    """
    app = Vial("login_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
    app.config.update(config or {})
    if setup is not None:
        setup(app)
    store = UserStore()
    store.add(User(1, "alice", "alice password"))
    store.add(User(2, "bob", "bob password"))
    store.add(User(3, "carol", "carol password", active=False))
    app.config["TEST_USERS"] = store

    manager = LoginManager(app)
    manager.login_view = "login"
    manager.refresh_view = "reauth"
    manager.user_loader(store.load)

    @app.route("/")
    def index() -> str:
        return "home"

    @app.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        if request.method == "GET":
            return jsonify(flashes=get_flashed_messages(with_categories=True))
        user = store.by_name(request.form.get("name", ""))
        if user is None or not user.check_password(request.form.get("password", "")):
            return "bad credentials", 400
        remember = request.form.get("remember") == "yes"
        if not login_user(user, remember=remember):
            return "inactive", 403
        return redirect(get_next_url(url_for("index")) or "/")

    @app.route("/reauth", methods=["GET", "POST"])
    def reauth() -> ResponseReturnValue:
        if request.method == "POST":
            confirm_login()
            return redirect(get_next_url("/") or "/")
        return jsonify(flashes=get_flashed_messages(with_categories=True))

    @app.post("/logout")
    def logout() -> str:
        logout_user()
        return "bye"

    @app.route("/protected", methods=["GET", "POST", "OPTIONS"])
    @login_required
    def protected() -> str:
        return f"hello {getattr(current_user, 'name', None)}"

    @app.route("/fresh")
    @fresh_login_required
    def fresh() -> str:
        return f"fresh {getattr(current_user, 'name', None)}"

    @app.route("/me")
    def me() -> ResponseReturnValue:
        return jsonify(
            id=current_user.get_id(),
            authenticated=current_user.is_authenticated,
            fresh=login_fresh(),
            remembered=login_remembered(),
        )

    admin = Blueprint("admin", "admin", url_prefix="/admin")

    @admin.route("/login")
    def login_page() -> str:
        return "admin login"

    @admin.route("/")
    @login_required
    def dashboard() -> str:
        return "dashboard"

    app.register_blueprint(admin)
    manager.blueprint_login_views["admin"] = "admin.login_page"
    return app


def log_in(
    client: VialClient,
    name: str = "alice",
    *,
    remember: bool = False,
    password: str | None = None,
) -> TestResponse:
    """Log ``name`` in through the ``app`` fixture's login form; return the answer."""
    response = client.post(
        "/login",
        data={
            "name": name,
            "password": password or f"{name} password",
            "remember": "yes" if remember else "no",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def users(app: Vial) -> UserStore:
    """Return the user store of an app made by the ``app`` fixture."""
    store = app.config["TEST_USERS"]
    assert isinstance(store, UserStore)
    return store


def body(response: TestResponse) -> dict[str, t.Any]:
    """Return the JSON object a test response carries."""
    data = response.get_json()
    assert isinstance(data, dict), response.get_data(as_text=True)
    return data


def manager_of(app: Vial) -> LoginManager:
    """Return the login manager set up on ``app``."""
    manager = STATE.get(app).manager
    assert isinstance(manager, LoginManager)
    return manager
