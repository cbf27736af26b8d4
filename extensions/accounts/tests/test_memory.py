"""The in-memory datastore: the same behaviour as the SQLAlchemy one."""

from __future__ import annotations

import pytest

from vial_accounts import DuplicateEmailError
from vial_accounts import MemoryUser
from vial_accounts import MemoryUserDatastore
from vial_accounts import UserDatastore


def test_users() -> None:
    datastore = MemoryUserDatastore()
    assert isinstance(datastore, UserDatastore)
    user = datastore.create_user(email=" Ann@Example.com", password="hash", name="Ann")
    assert isinstance(user, MemoryUser)
    assert (user.id, user.email, getattr(user, "name", None), user.active) == (
        1,
        "ann@example.com",
        "Ann",
        True,
    )
    assert datastore.find_user("ANN@example.com") is user
    assert datastore.find_user(fs_uniquifier=user.fs_uniquifier) is user
    assert datastore.find_user(id=1, active=True) is user
    assert datastore.find_user(email="not an address") is None
    with pytest.raises(DuplicateEmailError):
        datastore.create_user(email="ann@EXAMPLE.com")
    with pytest.raises(TypeError, match="needs the new user's email"):
        datastore.create_user(password="x")
    assert repr(datastore) == "<MemoryUserDatastore 1 users>"
    assert repr(user) == "<MemoryUser 'ann@example.com'>"


def test_changes_through_put_are_found() -> None:
    datastore = MemoryUserDatastore()
    user = datastore.create_user(email="ann@example.com")
    old = user.fs_uniquifier
    datastore.set_uniquifier(user)
    assert datastore.find_user(fs_uniquifier=old) is None
    assert datastore.find_user(fs_uniquifier=user.fs_uniquifier) is user
    user.email = "ann.new@example.com"
    datastore.put(user)
    assert datastore.find_user(email="ann@example.com") is None
    assert datastore.find_user(email="ann.new@example.com") is user
    # A uniquifier changed without put() does not find the user.
    user.fs_uniquifier = "changed"
    assert datastore.find_user(fs_uniquifier="changed") is None


def test_roles_and_deletion() -> None:
    datastore = MemoryUserDatastore()
    datastore.create_role("admin")
    user = datastore.create_user(email="ann@example.com", roles=["admin"])
    assert [r.name for r in datastore.get_user_roles(user)] == ["admin"]
    assert datastore.remove_role_from_user(user, "admin") is True
    assert datastore.add_role_to_user(user, "admin") is True
    assert datastore.deactivate_user(user) is True
    assert not user.is_active
    assert not user.is_authenticated
    datastore.delete_user(user)
    assert datastore.list_users() == []
    assert datastore.get_user_roles(user) == []
    datastore.commit()
    datastore.rollback()


def test_counters() -> None:
    datastore = MemoryUserDatastore()
    assert datastore.hit_counter("k", 0.0, 10).hits == 1
    assert datastore.hit_counter("k", 5.0, 10) == (2, 0.0, 5.0)
    assert datastore.peek_counter("k", 9.0, 10) == (2, 0.0, 5.0)
    assert datastore.peek_counter("k", 10.0, 10) is None
    assert datastore.hit_counter("k", 10.0, 10) == (1, 10.0, 10.0)
    datastore.reset_counter("k")
    assert datastore.peek_counter("k", 11.0, 10) is None
