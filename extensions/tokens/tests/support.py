"""A small in-memory user store and helpers for building credentials."""

from __future__ import annotations

import base64
import dataclasses
import time
import typing as t

import pytest

from vial_tokens import new_alt_id


@dataclasses.dataclass
class User:
    """A user with what vial-tokens and vial-login read."""

    id: int
    name: str
    password: str
    roles: set[str] = dataclasses.field(default_factory=set)
    active: bool = True
    fs_uniquifier: str = dataclasses.field(default_factory=new_alt_id)

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserStore:
    """Users by name and by alternative id."""

    def __init__(self, *users: User) -> None:
        self.users = {user.name: user for user in users}

    def by_name(self, name: str) -> User | None:
        return self.users.get(name)

    def by_alt_id(self, alt_id: str) -> User | None:
        for user in self.users.values():
            if user.fs_uniquifier == alt_id:
                return user
        return None

    def by_id(self, user_id: str) -> User | None:
        for user in self.users.values():
            if str(user.id) == user_id:
                return user
        return None

    def check(self, name: str, password: str) -> User | None:
        user = self.users.get(name)
        if user is not None and user.password == password:
            return user
        return None


def make_users() -> UserStore:
    """Alice (admin), Bob (reader) and Carol (deactivated)."""
    return UserStore(
        User(1, "alice", "alice password", roles={"admin", "reader"}),
        User(2, "bob", "bob password", roles={"reader"}),
        User(3, "carol", "carol password", active=False),
    )


def basic(username: str | bytes, password: str | bytes) -> dict[str, str]:
    """The Authorization header of HTTP basic credentials."""
    raw_user = username.encode() if isinstance(username, str) else username
    raw_password = password.encode() if isinstance(password, str) else password
    encoded = base64.b64encode(raw_user + b":" + raw_password).decode("ascii")
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str, scheme: str = "Bearer") -> dict[str, str]:
    """The Authorization header of a token."""
    return {"Authorization": f"{scheme} {token}"}


JSON: t.Final = {"Accept": "application/json"}


def move_clock(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Make ``time.time()``, which itsdangerous reads, return a later time."""
    later = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: later)
