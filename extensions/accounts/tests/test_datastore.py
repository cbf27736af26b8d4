"""What every datastore shares: the protocol and the mixin's rules."""

from __future__ import annotations

import pytest

from vial_accounts import MemoryUserDatastore
from vial_accounts import UserDatastore
from vial_accounts import UserDatastoreMixin


def test_the_protocol_is_checked_at_runtime() -> None:
    assert isinstance(MemoryUserDatastore(), UserDatastore)
    assert not isinstance(object(), UserDatastore)


def test_lookups_are_normalised() -> None:
    assert UserDatastoreMixin.normalize_lookup("Ann@X.org", {}) == {
        "email": "ann@x.org"
    }
    assert UserDatastoreMixin.normalize_lookup(None, {"email": "nope"}) is None
    assert UserDatastoreMixin.normalize_lookup(None, {"id": 3}) == {"id": 3}
    with pytest.raises(TypeError):
        UserDatastoreMixin.normalize_lookup(None, {})


def test_new_users_get_defaults() -> None:
    fields = UserDatastoreMixin.new_user_fields({"email": "Ann@X.org"})
    assert fields["email"] == "ann@x.org"
    assert fields["active"] is True
    assert len(fields["fs_uniquifier"]) >= 40
    kept = UserDatastoreMixin.new_user_fields(
        {"email": "a@x.org", "active": False, "fs_uniquifier": "mine"}
    )
    assert (kept["active"], kept["fs_uniquifier"]) == (False, "mine")


def test_roles_are_resolved_by_name() -> None:
    datastore = MemoryUserDatastore()
    role = datastore.create_role("admin")
    assert datastore.resolve_role("admin") is role
    assert datastore.resolve_role(role) is role
    assert datastore.find_or_create_role("admin") is role
    assert datastore.find_or_create_role("new").name == "new"
    with pytest.raises(LookupError, match="vial roles create ghost"):
        datastore.resolve_role("ghost")
