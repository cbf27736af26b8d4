from __future__ import annotations

import subprocess
import sys

import pytest

from vial import Vial
from vial_login import AnonymousUserMixin
from vial_login import current_user
from vial_login import LoginManager
from vial_roles import AnonymousUser
from vial_roles import MemoryDatastore
from vial_roles import Roles
from vial_roles.extension import in_memory_roles
from vial_roles.state import STATE


def _app(name: str = "ext_test") -> Vial:
    app = Vial(name)
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


def test_constructor_with_app() -> None:
    app, store = _app(), MemoryDatastore()
    roles = Roles(app, store)
    assert STATE.get(app).datastore is store
    assert app.extensions["roles"] is STATE.get(app)
    assert roles.datastore is store
    assert repr(roles) == "<Roles datastore=<MemoryDatastore roles=[]>>"


def test_init_app_later() -> None:
    app, store = _app(), MemoryDatastore()
    roles = Roles(datastore=store)
    assert not STATE.is_registered(app)
    roles.init_app(app)
    assert STATE.get(app).datastore is store


def test_one_object_many_apps() -> None:
    roles = Roles()
    first, second = _app("first"), _app("second")
    one, two = MemoryDatastore(), MemoryDatastore()
    roles.init_app(first, one)
    roles.init_app(second, two)
    assert STATE.get(first).datastore is one
    assert STATE.get(second).datastore is two
    assert roles.datastore is None  # nothing per-app on the object


def test_second_init_app_is_an_error() -> None:
    app = _app()
    roles = Roles(app, MemoryDatastore())
    with pytest.raises(RuntimeError, match=r"already set up.*roles\.init_app"):
        roles.init_app(app)


def test_a_datastore_is_required() -> None:
    with pytest.raises(RuntimeError, match=r"needs a datastore.*MemoryDatastore\(\)"):
        Roles(_app())


def test_the_datastore_must_be_one() -> None:
    with pytest.raises(TypeError, match=r"is not a role datastore"):
        Roles(_app(), object())  # type: ignore[arg-type]


def test_using_an_app_never_set_up() -> None:
    with pytest.raises(RuntimeError, match=r"not set up.*Roles\(app, datastore\)"):
        STATE.get(_app())


def test_defaults_and_commands() -> None:
    app = _app()
    app.config["ROLES_UNAUTHORIZED_VIEW"] = "/somewhere"
    Roles(app, MemoryDatastore())
    assert app.config["ROLES_UNAUTHORIZED_VIEW"] == "/somewhere"
    assert app.config["ROLES_UNAUTHORIZED_MESSAGE_CATEGORY"] == "error"
    assert "roles" in app.cli.list_commands(None)  # type: ignore[arg-type]


def test_factory_of_the_contract_test() -> None:
    app = _app()
    roles = in_memory_roles(app)
    assert isinstance(STATE.get(app).datastore, MemoryDatastore)
    assert isinstance(roles, Roles)
    later = in_memory_roles()
    later.init_app(_app())


def test_login_manager_first_gets_the_anonymous_user() -> None:
    app = _app()
    manager = LoginManager(app)
    assert manager.anonymous_user is AnonymousUserMixin
    Roles(app, MemoryDatastore())
    assert manager.anonymous_user is AnonymousUser


def test_login_manager_later_gets_the_anonymous_user_on_first_use() -> None:
    app = _app()
    Roles(app, MemoryDatastore())
    manager = LoginManager(app)
    manager.user_loader(lambda user_id: None)

    @app.get("/")
    def index() -> str:
        return str(current_user.has_role("admin"))

    assert app.test_client().get("/").get_data(as_text=True) == "False"
    assert manager.anonymous_user is AnonymousUser


def test_an_app_anonymous_user_is_kept() -> None:
    class Guest(AnonymousUserMixin):
        pass

    app = _app()
    manager = LoginManager(app)
    manager.anonymous_user = Guest
    Roles(app, MemoryDatastore())
    assert manager.anonymous_user is Guest


def test_other_apps_are_left_alone() -> None:
    # The receiver is connected for the apps Roles set up only.
    with_roles, without = _app("with"), _app("without")
    Roles(with_roles, MemoryDatastore())
    manager = LoginManager(without)
    manager.user_loader(lambda user_id: None)
    with without.test_request_context():
        assert current_user.is_anonymous
    assert manager.anonymous_user is AnonymousUserMixin


def test_sqlalchemy_is_imported_only_when_used() -> None:
    # Apps with other storage need no SQLAlchemy installed.
    code = (
        "import sys, vial_roles\n"
        "from vial import Vial\n"
        "vial_roles.Roles(Vial('x'), vial_roles.MemoryDatastore())\n"
        "print(sorted(m for m in sys.modules if 'sqlalchemy' in m))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"
