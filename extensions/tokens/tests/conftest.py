from __future__ import annotations

import pytest
from support import make_users
from support import UserStore

from vial import Vial


@pytest.fixture
def users() -> UserStore:
    """Alice (admin), Bob (reader) and Carol (deactivated)."""
    return make_users()


@pytest.fixture
def app() -> Vial:
    """A bare app in testing mode with a secret key."""
    app = Vial("tokens_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
    return app
