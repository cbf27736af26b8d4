"""The user mixin: the login id is the uniquifier, activity is the flag."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

from vial_accounts import MemoryUser
from vial_accounts import UserMixin


def test_the_session_id_is_the_uniquifier() -> None:
    user = MemoryUser(7, email="ann@example.com", fs_uniquifier="abc")
    assert isinstance(user, UserMixin)
    assert user.get_id() == "abc"
    user.fs_uniquifier = "def"
    assert user.get_id() == "def"


def test_activity_and_confirmation() -> None:
    user = MemoryUser(1, email="ann@example.com", fs_uniquifier="x", active=False)
    assert not user.is_active
    assert not user.is_authenticated
    assert not user.is_confirmed
    user.active = True
    user.confirmed_at = datetime.now(timezone.utc)
    assert user.is_active
    assert user.is_authenticated
    assert user.is_confirmed
    assert not user.is_anonymous
