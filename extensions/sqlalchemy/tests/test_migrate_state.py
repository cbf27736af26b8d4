from __future__ import annotations

import pytest

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.migrate.state import STATE


def test_what_flask_migrate_code_reads(app: Vial, db: SQLAlchemy) -> None:
    migrate = Migrate(app, db, directory="schema")
    state = app.extensions["migrate"]
    assert STATE.get(app) is state
    assert state.migrate is migrate
    assert state.db is db
    assert state.directory == "schema"
    assert state.configure_args["compare_type"] is True
    with app.app_context():
        assert state.metadata is db.metadata


def test_repr(app: Vial, db: SQLAlchemy) -> None:
    Migrate(app, db, directory="schema", command="schema")
    assert repr(STATE.get(app)) == "<MigrateState directory='schema' command='schema'>"


def test_missing_state_names_the_setup(app: Vial) -> None:
    with pytest.raises(RuntimeError, match=r"Migrate\(app, db\) or migrate\.init_app"):
        STATE.get(app)
