from __future__ import annotations

import pytest
from support import User
from support import UserStore

from vial import Blueprint
from vial import get_flashed_messages
from vial import jsonify
from vial import redirect
from vial import request
from vial import url_for
from vial import Vial
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


@pytest.fixture
def app() -> Vial:
    """A small app with users, a login form and protected views."""
    app = Vial("login_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
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
