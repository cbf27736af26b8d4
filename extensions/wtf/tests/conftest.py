from __future__ import annotations

import pytest

from vial import Vial


@pytest.fixture
def app() -> Vial:
    """A bare test app with a secret key; tests add views and extensions."""
    app = Vial("wtf_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
    return app
