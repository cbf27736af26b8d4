"""Test support (not a test module): an in-memory user model and helpers."""

from __future__ import annotations

import hashlib
import hmac
import typing as t

from werkzeug.test import TestResponse

from vial import Vial
from vial.testing import VialClient
from vial_login import LoginManager
from vial_login import UserMixin
from vial_login.state import STATE


class User(UserMixin):
    """A user whose session id changes when the password changes."""

    def __init__(self, id: int, name: str, password: str, active: bool = True):
        self.id = id
        self.name = name
        self.active = active
        self.password_hash = ""
        self.set_password(password)

    def set_password(self, password: str) -> None:
        # A plain digest is enough for these tests; real apps use vial-passwords.
        self.password_hash = hashlib.sha256(password.encode()).hexdigest()

    def check_password(self, password: str) -> bool:
        digest = hashlib.sha256(password.encode()).hexdigest()
        return hmac.compare_digest(digest, self.password_hash)

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        # The id plus a token derived from the password hash: a password
        # change makes every stored session and remember-me cookie stale.
        token = hashlib.sha256(b"session:" + self.password_hash.encode()).hexdigest()
        return f"{self.id}:{token[:16]}"


class UserStore:
    """The users of a test app, found by name or by session id."""

    def __init__(self) -> None:
        self.by_id: dict[int, User] = {}

    def add(self, user: User) -> User:
        self.by_id[user.id] = user
        return user

    def by_name(self, name: str) -> User | None:
        return next((u for u in self.by_id.values() if u.name == name), None)

    def load(self, session_id: str) -> User | None:
        user_id, _, _token = session_id.partition(":")
        user = self.by_id.get(int(user_id)) if user_id.isdigit() else None
        if user is None or not hmac.compare_digest(user.get_id(), session_id):
            return None
        return user


def log_in(
    client: VialClient,
    name: str = "alice",
    *,
    remember: bool = False,
    password: str | None = None,
) -> TestResponse:
    """Log ``name`` in through the ``app`` fixture's login form; return the answer."""
    response = client.post(
        "/login",
        data={
            "name": name,
            "password": password or f"{name} password",
            "remember": "yes" if remember else "no",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def users(app: Vial) -> UserStore:
    """Return the user store of an app made by the ``app`` fixture."""
    store = app.config["TEST_USERS"]
    assert isinstance(store, UserStore)
    return store


def body(response: TestResponse) -> dict[str, t.Any]:
    """Return the JSON object a test response carries."""
    data = response.get_json()
    assert isinstance(data, dict), response.get_data(as_text=True)
    return data


def manager_of(app: Vial) -> LoginManager:
    """Return the login manager set up on ``app``."""
    manager = STATE.get(app).manager
    assert isinstance(manager, LoginManager)
    return manager
