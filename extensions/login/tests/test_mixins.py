from __future__ import annotations

import pytest

from vial_login import AnonymousUserMixin
from vial_login import UserMixin


class Account(UserMixin):
    def __init__(self, id: object) -> None:
        self.id = id


class Nameless(UserMixin):
    pass


class Other(UserMixin):
    def __init__(self, id: object) -> None:
        self.id = id


def test_user_mixin_defaults() -> None:
    user = Account(42)
    assert user.is_active is True
    assert user.is_authenticated is True
    assert user.is_anonymous is False
    assert user.get_id() == "42"


def test_inactive_user_is_not_authenticated() -> None:
    class Blocked(Account):
        @property
        def is_active(self) -> bool:
            return False

    assert Blocked(1).is_authenticated is False


def test_get_id_without_id_attribute() -> None:
    with pytest.raises(NotImplementedError, match="override `get_id`"):
        Nameless().get_id()


def test_equality_by_id() -> None:
    assert Account(1) == Account(1)
    assert Account(1) == Other("1")
    assert Account(1) != Account(2)
    assert (Account(1) != Account(1)) is False
    assert Account(1) != "1"
    assert (Account(1) == object()) is False


def test_users_stay_hashable() -> None:
    first, second = Account(1), Account(1)
    assert len({first, second}) == 2
    assert {first: "x"}[first] == "x"


def test_anonymous_user_mixin() -> None:
    anonymous = AnonymousUserMixin()
    assert anonymous.is_authenticated is False
    assert anonymous.is_active is False
    assert anonymous.is_anonymous is True
    assert anonymous.get_id() is None
