"""Test support (not a test module): users, and logging in through the client."""

from __future__ import annotations

import typing as t

from werkzeug.test import TestResponse

from vial.testing import VialClient
from vial_login import UserMixin
from vial_roles import UserRolesMixin


class User(UserMixin, UserRolesMixin):
    """A user found by email, as the MemoryDatastore expects."""

    def __init__(self, id: int, email: str, active: bool = True) -> None:
        self.id = id
        self.email = email
        self.active = active

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.email}>"


def log_in(client: VialClient, email: str) -> None:
    """Log ``email`` in through the test app's login view."""
    response = client.post(f"/login/{email}")
    assert response.status_code == 200, response.get_data(as_text=True)


def body(response: TestResponse) -> dict[str, t.Any]:
    """Return the JSON object a test response carries."""
    data = response.get_json()
    assert isinstance(data, dict), response.get_data(as_text=True)
    return data


JSON = {"Accept": "application/json"}
