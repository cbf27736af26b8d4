from __future__ import annotations

import pytest
from support import User

from vial import Vial
from vial_roles import create_role
from vial_roles import find_role
from vial_roles import grant_role
from vial_roles import MemoryDatastore
from vial_roles import revoke_role
from vial_roles import Role
from vial_roles import Roles
from vial_roles.mixins import RoleMixin


class CountingDatastore(MemoryDatastore):
    """Counts commits, to check each change is stored."""

    def __init__(self) -> None:
        super().__init__()
        self.commits = 0

    def commit(self) -> None:
        self.commits += 1


@pytest.fixture
def store() -> CountingDatastore:
    return CountingDatastore()


@pytest.fixture
def app(store: CountingDatastore) -> Vial:
    app = Vial("management")
    Roles(app, store)
    return app


def test_create_role(app_ctx: object, store: CountingDatastore) -> None:
    role = create_role("editor", "Writes posts.", "posts.edit, posts.publish")
    assert store.find_role("editor") is role
    assert role.description == "Writes posts."
    assert role.permissions == {"posts.edit", "posts.publish"}
    assert store.commits == 1
    plain = create_role("viewer", permissions=["a", "b"])
    assert plain.permissions == {"a", "b"}
    assert plain.description == ""


@pytest.mark.parametrize(
    ("name", "permissions", "message"),
    [
        ("two words", (), r"role name 'two words' is not valid"),
        ("", (), r"role name '' is not valid"),
        ("a" * 81, (), r"at most 80 characters"),
        ("ok", "bad perm", r"permission name 'bad perm' is not valid"),
        ("ok", ["a,b"], r"permission name 'a,b' is not valid"),
    ],
)
def test_create_role_refuses_bad_names(
    app_ctx: object,
    store: CountingDatastore,
    name: str,
    permissions: str | tuple[str, ...],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        create_role(name, permissions=permissions)
    assert store.list_roles() == []
    assert store.commits == 0


def test_create_role_twice(app_ctx: object, store: CountingDatastore) -> None:
    create_role("admin")
    with pytest.raises(ValueError, match=r"A role named 'admin' exists already"):
        create_role("admin")
    assert store.commits == 1


def test_find_role(app_ctx: object, store: CountingDatastore) -> None:
    admin = store.create_role("admin")
    assert find_role("admin") is admin
    assert find_role(Role("admin")) is admin
    with pytest.raises(LookupError, match=r"no role named 'root'.*vial roles create"):
        find_role("root")


def test_grant_and_revoke(app_ctx: object, store: CountingDatastore) -> None:
    ann = store.add_user(User(1, "ann@example.com"))
    admin = store.create_role("admin")
    assert grant_role(ann, "admin")
    assert store.commits == 1
    assert not grant_role(ann, admin)
    assert store.commits == 1  # nothing to store
    assert store.get_user_roles(ann) == [admin]
    assert revoke_role(ann, admin)
    assert store.commits == 2
    assert not revoke_role(ann, "admin")
    assert store.get_user_roles(ann) == []


def test_grant_unknown_role(app_ctx: object, store: CountingDatastore) -> None:
    ann = store.add_user(User(1, "ann@example.com"))
    with pytest.raises(LookupError, match=r"no role named 'root'"):
        grant_role(ann, "root")
    with pytest.raises(LookupError, match=r"no role named 'root'"):
        revoke_role(ann, Role("root"))


def test_roles_of_another_datastore_resolve_by_name(
    app_ctx: object, store: CountingDatastore
) -> None:
    ann = store.add_user(User(1, "ann@example.com"))
    admin = store.create_role("admin")
    stranger: RoleMixin = Role("admin")
    assert grant_role(ann, stranger)
    assert store.get_user_roles(ann) == [admin]
