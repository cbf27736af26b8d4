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
