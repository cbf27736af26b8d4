from __future__ import annotations

import typing as t

import pytest

from vial_roles import MemoryDatastore
from vial_roles import RoleDatastore
from vial_roles import Roles
from vial_roles.datastore import check_name
from vial_roles.datastore import check_permissions
from vial_roles.mixins import RoleMixin


@pytest.mark.parametrize("name", ["admin", "posts.edit", "a", "Ünïcode", "x" * 80])
def test_valid_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize("name", ["", " ", "a b", "a,b", "tab\there", "new\nline"])
def test_invalid_names(name: str) -> None:
    with pytest.raises(ValueError, match=r"without whitespace or commas"):
        check_name(name)


def test_too_long() -> None:
    with pytest.raises(ValueError, match=r"81 characters long"):
        check_name("x" * 81, "permission")


def test_not_a_string() -> None:
    with pytest.raises(TypeError, match=r"A permission name must be a string, not int"):
        check_name(3, "permission")


def test_check_permissions() -> None:
    assert check_permissions("a, b,,c ,") == {"a", "b", "c"}
    assert check_permissions(["b", "a", "b"]) == {"a", "b"}
    assert check_permissions("") == frozenset()
    with pytest.raises(ValueError, match=r"permission name 'a b'"):
        check_permissions("a b, c")


class ListDatastore:
    """The smallest datastore: everything in lists."""

    identifier = "name"

    def __init__(self) -> None:
        self.users: list[t.Any] = []
        self.roles: list[RoleMixin] = []
        self.grants: list[tuple[t.Any, RoleMixin]] = []

    def find_user(self, identifier: str) -> t.Any | None:
        return next((u for u in self.users if u.name == identifier), None)

    def find_role(self, name: str) -> RoleMixin | None:
        return next((r for r in self.roles if r.name == name), None)

    def list_roles(self) -> list[RoleMixin]:
        return sorted(self.roles, key=lambda role: role.name)

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> RoleMixin:
        role = RoleMixin()
        role.name, role.description = name, description
        role.permissions = frozenset(permissions)
        self.roles.append(role)
        return role

    def get_user_roles(self, user: t.Any) -> list[RoleMixin]:
        return [role for holder, role in self.grants if holder is user]

    def add_role_to_user(self, user: t.Any, role: RoleMixin) -> bool:
        if (user, role) in self.grants:
            return False
        self.grants.append((user, role))
        return True

    def remove_role_from_user(self, user: t.Any, role: RoleMixin) -> bool:
        if (user, role) not in self.grants:
            return False
        self.grants.remove((user, role))
        return True

    def commit(self) -> None:
        pass


def test_protocol() -> None:
    assert isinstance(MemoryDatastore(), RoleDatastore)
    assert isinstance(ListDatastore(), RoleDatastore)
    assert not isinstance(object(), RoleDatastore)


def test_other_storage_plugs_in() -> None:
    from vial import Vial
    from vial_login import login_user
    from vial_login import LoginManager
    from vial_roles import create_role
    from vial_roles import grant_role
    from vial_roles import roles_required

    class Member:
        is_authenticated = True
        is_active = True
        is_anonymous = False

        def __init__(self, name: str) -> None:
            self.name = name

        def get_id(self) -> str:
            return self.name

    store = ListDatastore()
    ann = Member("ann")
    store.users.append(ann)
    app = Vial("list_store")
    app.config["SECRET_KEY"] = "key"
    LoginManager(app).user_loader(store.find_user)
    Roles(app, store)

    @app.post("/login")
    def login() -> str:
        login_user(ann)
        return "in"

    @app.get("/admin")
    @roles_required("admin")
    def admin() -> str:
        return "admin"

    with app.app_context():
        create_role("admin", permissions="x")
    client = app.test_client()
    client.post("/login")
    assert client.get("/admin").status_code == 403
    with app.app_context():
        grant_role(ann, "admin")
    assert client.get("/admin").status_code == 200
