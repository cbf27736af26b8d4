from __future__ import annotations

import pytest

from vial import Vial


@pytest.fixture
def app() -> Vial:
    """An app with cheap hash costs; tests register Passwords after configuring."""
    app = Vial("passwords_test")
    app.config.update(
        TESTING=True,
        SECRET_KEY="test secret key",
        # Cheap costs keep the suite fast; the defaults have their own test.
        PASSWORD_HASH_OPTIONS={
            "argon2": {"memory_cost": 1024, "time_cost": 1},
            "bcrypt": {"rounds": 4},
            "pbkdf2_sha512": {"rounds": 1000},
        },
    )
    return app
