"""The per-app state and its lookups."""

from __future__ import annotations

import pytest

from vial import Vial
from vial_accounts import get_datastore
from vial_accounts.state import get_state
from vial_accounts.state import STATE


def test_the_state_of_an_app(app: Vial) -> None:
    state = get_state(app)
    assert app.extensions["accounts"] is state
    assert get_datastore(app) is state.datastore
    with app.app_context():
        assert get_state() is state
    assert "SQLAlchemyUserDatastore" in repr(state)


def test_an_app_without_accounts_names_init_app() -> None:
    app = Vial("bare")
    with pytest.raises(RuntimeError, match="init_app"):
        get_state(app)
    with app.app_context(), pytest.raises(RuntimeError, match="init_app"):
        get_datastore()
    assert STATE.find(app) is None
