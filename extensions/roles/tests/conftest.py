"""Fixtures: an app with vial-login, vial-roles on a MemoryDatastore, users
with roles and views guarded by every decorator."""

from __future__ import annotations

import os

import pytest
from support import User

from vial import render_template_string
from vial import request
from vial import Vial
from vial.ext import set_request_user
from vial_login import login_user
from vial_login import LoginManager
from vial_roles import MemoryDatastore
from vial_roles import permissions_accepted
from vial_roles import permissions_required
from vial_roles import Roles
from vial_roles import roles_accepted
from vial_roles import roles_required


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the PostgreSQL runs when no server is given, with one reason.

    Marked skips fold into one summary line; under ``VIAL_CI=1`` they are
    not skipped, and the missing server fails them.
    """
    if os.environ.get("VIAL_TEST_DATABASE_URL") or os.environ.get("VIAL_CI") == "1":
        return
    skip = pytest.mark.skip(
        reason="VIAL_TEST_DATABASE_URL is not set, so the PostgreSQL runs are"
        " skipped; set it to a PostgreSQL URL to run them"
    )
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("database_url") == "postgresql":
            item.add_marker(skip)


@pytest.fixture
def datastore() -> MemoryDatastore:
    """Roles admin, editor and viewer; ann is admin, eve editor, bob nothing,
    ina an inactive admin."""
    store = MemoryDatastore()
    admin = store.create_role("admin", "Runs the site.", ["users.manage", "posts.edit"])
    editor = store.create_role("editor", "Writes posts.", ["posts.edit"])
    store.create_role("viewer")
    for user, roles in [
        (User(1, "ann@example.com"), [admin]),
        (User(2, "eve@example.com"), [editor]),
        (User(3, "bob@example.com"), []),
        (User(4, "ina@example.com", active=False), [admin]),
    ]:
        store.add_user(user)
        for role in roles:
            store.add_role_to_user(user, role)
    return store


def make_app(datastore: MemoryDatastore, name: str = "roles_test") -> Vial:
    """Build the test app on ``datastore``."""
    app = Vial(name)
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
    manager = LoginManager(app)
    manager.login_view = "login_page"

    @manager.user_loader
    def load_user(user_id: str) -> User | None:
        for role_user in ("ann", "eve", "bob", "ina"):
            user = datastore.find_user(f"{role_user}@example.com")
            if user is not None and user.get_id() == user_id:
                assert isinstance(user, User)
                return user
        return None

    Roles(app, datastore)

    @app.before_request
    def api_user() -> None:
        # Stands in for vial-tokens: a request authenticated by a header
        # makes its user known for this request only.
        email = request.headers.get("X-Test-User")
        if email is not None:
            user = datastore.find_user(email)
            if user is not None:
                set_request_user(user)

    @app.get("/login")
    def login_page() -> str:
        return "the login page"

    @app.post("/login/<email>")
    def login(email: str) -> str:
        user = datastore.find_user(email)
        assert user is not None
        login_user(user, force=True)
        return "logged in"

    @app.get("/nope")
    def nope() -> str:
        return "no entry"

    @app.route("/admin", methods=["GET", "POST", "OPTIONS"])
    @roles_required("admin")
    def admin() -> str:
        return "admin area"

    @app.get("/admin-editor")
    @roles_required("admin", "editor")
    def admin_editor() -> str:
        return "admin and editor area"

    @app.get("/staff")
    @roles_accepted("admin", "editor")
    def staff() -> str:
        return "staff area"

    @app.get("/manage")
    @permissions_required("users.manage", "posts.edit")
    def manage() -> str:
        return "manage"

    @app.get("/write")
    @permissions_accepted("posts.edit", "posts.delete")
    def write() -> str:
        return "write"

    @app.get("/badge")
    def badge() -> str:
        return render_template_string(
            "{% if current_user.has_role('admin') %}admin{% else %}plain{% endif %}"
            " {{ current_user.has_permission('posts.edit') }}"
        )

    return app


@pytest.fixture
def app(datastore: MemoryDatastore) -> Vial:
    """The test app on the ``datastore`` fixture."""
    return make_app(datastore)
