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
    before = (user.is_active, user.is_authenticated, user.is_confirmed)
    user.active = True
    user.confirmed_at = datetime.now(timezone.utc)
    after = (user.is_active, user.is_authenticated, user.is_confirmed)
    assert before == (False, False, False)
    assert after == (True, True, True)
    assert not user.is_anonymous
