from __future__ import annotations

import time
import types
import typing as t

import itsdangerous.timed
import pytest

from vial import Vial


@pytest.fixture
def app() -> Vial:
    """A bare test app with a secret key; tests add views and extensions."""
    app = Vial("wtf_test")
    app.config.update(TESTING=True, SECRET_KEY="test secret key")
    return app


@pytest.fixture
def clock_ahead(monkeypatch: pytest.MonkeyPatch) -> t.Callable[[float], None]:
    """Make itsdangerous see a clock the given seconds in the future."""

    def ahead(seconds: float) -> None:
        later = time.time() + seconds
        fake = types.SimpleNamespace(time=lambda: later)
        monkeypatch.setattr(itsdangerous.timed, "time", fake)

    return ahead


@pytest.fixture
def recaptcha_app(app: Vial) -> Vial:
    """The app with reCAPTCHA keys, out of TESTING so answers are checked."""
    app.config.update(
        TESTING=False,
        PROPAGATE_EXCEPTIONS=True,
        RECAPTCHA_PUBLIC_KEY="site-key",
        RECAPTCHA_PRIVATE_KEY="secret-key",
    )
    return app
