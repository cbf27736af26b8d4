from __future__ import annotations

import threading

import pytest
from support import User

from vial_roles import MemoryDatastore
from vial_roles import Role
from vial_roles import RoleDatastore


def test_is_a_datastore() -> None:
    assert isinstance(MemoryDatastore(), RoleDatastore)


def test_role() -> None:
    role = Role("editor", "Writes posts.", ["posts.edit", "posts.edit"])
    assert role.name == "editor"
    assert role.description == "Writes posts."
    assert role.permissions == frozenset({"posts.edit"})
    assert repr(role) == "<Role 'editor'>"
    with pytest.raises(ValueError, match=r"without whitespace"):
        Role("two words")
    with pytest.raises(ValueError, match=r"without whitespace"):
        Role("editor", permissions=["a b"])


def test_roles() -> None:
    store = MemoryDatastore()
    assert store.list_roles() == []
    viewer = store.create_role("viewer")
    admin = store.create_role("admin", "Runs the site.", ["users.manage"])
    assert store.list_roles() == [admin, viewer]
    assert store.find_role("admin") is admin
    assert store.find_role("nobody") is None
    with pytest.raises(ValueError, match=r"exists already"):
        store.create_role("admin")
    assert repr(store) == "<MemoryDatastore roles=['admin', 'viewer']>"


def test_users_are_found_by_their_identifier() -> None:
    store = MemoryDatastore()
    ann = store.add_user(User(1, "ann@example.com"))
    assert store.find_user("ann@example.com") is ann
    assert store.find_user("ANN@example.com") is None
    by_id = MemoryDatastore(identifier="id")
    by_id.add_user(ann)
    assert by_id.find_user("1") is ann
    assert by_id.identifier == "id"


def test_user_without_the_identifier() -> None:
    store = MemoryDatastore(identifier="username")
    with pytest.raises(ValueError, match=r"identifier='<attribute>'"):
        store.add_user(User(1, "ann@example.com"))


def test_grants() -> None:
    store = MemoryDatastore()
    ann = store.add_user(User(1, "ann@example.com"))
    admin = store.create_role("admin")
    viewer = store.create_role("viewer")
    assert store.get_user_roles(ann) == []
    assert store.add_role_to_user(ann, viewer)
    assert store.add_role_to_user(ann, admin)
    assert not store.add_role_to_user(ann, admin)
    assert store.get_user_roles(ann) == [admin, viewer]
    assert store.remove_role_from_user(ann, admin)
    assert not store.remove_role_from_user(ann, admin)
    assert store.get_user_roles(ann) == [viewer]
    store.commit()
    assert store.get_user_roles(ann) == [viewer]


def test_grants_follow_the_identifier_not_the_object() -> None:
    # A user_loader that builds a new object per request sees the same roles.
    store = MemoryDatastore()
    admin = store.create_role("admin")
    store.add_role_to_user(User(1, "ann@example.com"), admin)
    assert store.get_user_roles(User(1, "ann@example.com")) == [admin]
    assert store.get_user_roles(User(2, "bob@example.com")) == []


def test_foreign_roles_are_refused() -> None:
    store = MemoryDatastore()
    store.create_role("admin")
    ann = User(1, "ann@example.com")
    with pytest.raises(ValueError, match=r"not a role of this datastore"):
        store.add_role_to_user(ann, Role("admin"))
    assert store.get_user_roles(ann) == []


def test_concurrent_grants() -> None:
    store = MemoryDatastore()
    roles = [store.create_role(f"role{i}") for i in range(50)]
    ann = User(1, "ann@example.com")
    threads = [
        threading.Thread(target=store.add_role_to_user, args=(ann, role))
        for role in roles
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.get_user_roles(ann)) == 50
