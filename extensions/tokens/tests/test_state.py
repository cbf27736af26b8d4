"""The per-app state and its slot."""

from __future__ import annotations

import pytest

from vial import Vial
from vial_tokens import MemoryTokenStore
from vial_tokens import TokenAuth
from vial_tokens.state import STATE


def test_the_state_holds_the_extension_and_the_store(app: Vial) -> None:
    store = MemoryTokenStore()
    tokens = TokenAuth(app, store=store)
    state = STATE.get(app)
    assert app.extensions["tokens"] is state
    assert state.auth is tokens
    assert state.store is store
    assert "MemoryTokenStore" in repr(state)


def test_init_app_store_wins(app: Vial) -> None:
    shared, own = MemoryTokenStore(), MemoryTokenStore()
    TokenAuth(store=shared).init_app(app, store=own)
    assert STATE.get(app).store is own


def test_an_app_without_the_extension(app: Vial) -> None:
    assert STATE.find(app) is None
    with pytest.raises(RuntimeError, match=r"TokenAuth\(app\) or tokens.init_app"):
        STATE.get(app)
