from __future__ import annotations

import os
import typing as t
from pathlib import Path

import pytest

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.migrate import MigrateState
from vial_sqlalchemy.migrate.alembic_config import Config
from vial_sqlalchemy.migrate.extension import import_column_types

MakeDB = t.Callable[..., SQLAlchemy]


def test_registers_the_state(app: Vial, db: SQLAlchemy) -> None:
    migrate = Migrate(app, db, directory=Path("schema"), include_schemas=True)
    state = app.extensions["migrate"]
    assert isinstance(state, MigrateState)
    assert state.migrate is migrate
    assert state.db is db
    assert state.directory == "schema"
    assert state.command == "db"
    assert state.configure_args == {
        "compare_type": True,
        "render_as_batch": True,
        "include_schemas": True,
        "render_item": import_column_types,
    }


def test_init_app_overrides_the_defaults_for_one_app(
    app: Vial, db: SQLAlchemy, tmp_path: Path
) -> None:
    migrate = Migrate(db=db, compare_type=False, user_module_prefix="app.types.")
    other = Vial("other", instance_path=str(tmp_path))
    other.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(other)

    migrate.init_app(app, directory="one", render_as_batch=False, command="schema")
    migrate.init_app(other, directory="two", compare_type=True)

    one, two = app.extensions["migrate"], other.extensions["migrate"]
    assert (one.directory, one.command) == ("one", "schema")
    assert one.configure_args == {
        "compare_type": False,
        "render_as_batch": False,
        "user_module_prefix": "app.types.",
    }
    assert (two.directory, two.command) == ("two", "db")
    assert two.configure_args == {
        "compare_type": True,
        "render_as_batch": True,
        "user_module_prefix": "app.types.",
    }
    # The object keeps its defaults: nothing of one app is on it.
    assert migrate.directory == "migrations"
    assert migrate.configure_args["compare_type"] is False
    other.extensions["sqlalchemy"].engines[None].dispose()


def test_finds_the_db_of_the_app(app: Vial, db: SQLAlchemy) -> None:
    Migrate(app)
    assert app.extensions["migrate"].db is db


def test_needs_a_db(app: Vial) -> None:
    with pytest.raises(RuntimeError, match=r"Pass it, as in Migrate\(app, db\)"):
        Migrate(app)
    assert "migrate" not in app.extensions


def test_a_second_init_app_replaces_the_first(app: Vial, db: SQLAlchemy) -> None:
    migrate = Migrate(app, db, directory="first")
    migrate.init_app(app, directory="second")
    assert app.extensions["migrate"].directory == "second"


def test_configure_callbacks_run_in_order(app: Vial, db: SQLAlchemy) -> None:
    migrate = Migrate(app, db)
    calls: list[str] = []

    @migrate.configure
    def first(config: Config) -> Config:
        calls.append("first")
        config.set_main_option("sqlalchemy.url", "sqlite://")
        return config

    @migrate.configure
    def second(config: Config) -> Config:
        calls.append("second")
        replacement = Config()
        url = config.get_main_option("sqlalchemy.url")
        replacement.set_main_option("from", url or "unset")
        return replacement

    assert first.__name__ == "first"  # the decorator returns the function
    with app.app_context():
        config = migrate.get_config()
    assert calls == ["first", "second"]
    assert config.get_main_option("from") == "sqlite://"


def test_get_config(app: Vial, db: SQLAlchemy, tmp_path: Path) -> None:
    migrate = Migrate(app, db, directory=str(tmp_path / "app's"))
    with app.app_context():
        config = migrate.get_config(opts=["autogenerate"], x_arg="a=1")
        assert config.get_main_option("script_location") == str(tmp_path / "app's")
        assert config.config_file_name == os.path.join(tmp_path, "app's", "alembic.ini")
        assert config.cmd_opts is not None
        assert config.cmd_opts.autogenerate is True
        assert config.cmd_opts.x == ["a=1"]

        config = migrate.get_config("100%", x_arg=("a=1", "b=2"))
        assert config.get_main_option("script_location") == "100%"
        assert config.cmd_opts is not None
        assert config.cmd_opts.x == ["a=1", "b=2"]
        assert not hasattr(config.cmd_opts, "autogenerate")
    # Outside an app context, the constructor's folder.
    assert migrate.get_config().get_main_option("script_location") == str(
        tmp_path / "app's"
    )


def test_repr(app: Vial, db: SQLAlchemy) -> None:
    migrate = Migrate(app, db, directory="schema")
    assert repr(migrate) == "<Migrate directory='schema'>"
