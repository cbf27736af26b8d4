from __future__ import annotations

import copy
import typing as t

import pytest

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy import SQLAlchemyState
from vial_sqlalchemy.state import STATE


def test_state_is_registered_under_the_key(app: Vial, db: SQLAlchemy) -> None:
    state = STATE.get(app)
    assert isinstance(state, SQLAlchemyState)
    assert app.extensions["sqlalchemy"] is state
    assert state.db is db
    assert set(state.engines) == {None}
    with app.app_context():
        assert STATE.get() is state


def test_state_of_an_app_never_set_up_names_init_app(tmp_path: t.Any) -> None:
    app = Vial("bare", instance_path=str(tmp_path))
    with pytest.raises(RuntimeError, match=r"db\.init_app\(app\)"):
        STATE.get(app)
    assert STATE.find(app) is None


def test_state_delegates_to_the_extension(app: Vial, db: SQLAlchemy) -> None:
    state = app.extensions["sqlalchemy"]
    # Code written for Flask-SQLAlchemy 3 finds the extension's attributes.
    assert state.session is db.session
    assert state.Model is db.Model
    assert "engines=[None]" in repr(state)
    with pytest.raises(AttributeError):
        _ = state.__wrapped__
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        _ = state.missing
    copied = copy.copy(state)
    assert copied.db is db
    assert copied.engines is state.engines
