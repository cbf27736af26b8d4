from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.cli import add_models_to_shell

MakeDB = t.Callable[..., SQLAlchemy]


@pytest.fixture
def bound(app: Vial, make_db: MakeDB, tmp_path: t.Any) -> SQLAlchemy:
    app.config["SQLALCHEMY_BINDS"] = {"extra": f"sqlite:///{tmp_path}/extra.db"}
    db = make_db()

    class Widget(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Gear(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "extra"
        id = db.Column(db.Integer, primary_key=True)

    return db


def _tables(app: Vial, db: SQLAlchemy) -> dict[str | None, set[str]]:
    with app.app_context():
        return {
            key: set(sa.inspect(engine).get_table_names()) & {"widget", "gear"}
            for key, engine in db.engines.items()
        }


def test_create(app: Vial, bound: SQLAlchemy) -> None:
    result = app.test_cli_runner().invoke(args=["db", "create"])
    assert result.exit_code == 0, result.output
    assert "Created the tables of every bind." in result.output
    assert _tables(app, bound) == {None: {"widget"}, "extra": {"gear"}}


def test_create_one_bind(app: Vial, bound: SQLAlchemy) -> None:
    result = app.test_cli_runner().invoke(args=["db", "create", "--bind", "extra"])
    assert result.exit_code == 0, result.output
    assert "'extra'" in result.output
    assert _tables(app, bound) == {None: set(), "extra": {"gear"}}

    result = app.test_cli_runner().invoke(args=["db", "create", "--bind", ""])
    assert result.exit_code == 0, result.output
    assert "the default database" in result.output
    assert _tables(app, bound) == {None: {"widget"}, "extra": {"gear"}}


def test_create_unknown_bind(app: Vial, bound: SQLAlchemy) -> None:
    result = app.test_cli_runner().invoke(args=["db", "create", "--bind", "nope"])
    assert result.exit_code != 0
    assert isinstance(result.exception, sa.exc.UnboundExecutionError)


def test_drop_asks_first(app: Vial, bound: SQLAlchemy) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "create"])

    result = runner.invoke(args=["db", "drop"], input="n\n")
    assert result.exit_code == 1
    assert "Drop every table of every bind?" in result.output
    assert "Aborted" in result.output
    assert _tables(app, bound) == {None: {"widget"}, "extra": {"gear"}}

    result = runner.invoke(args=["db", "drop"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "Dropped the tables of every bind." in result.output
    assert _tables(app, bound) == {None: set(), "extra": set()}


@pytest.mark.parametrize("flag", ["--yes", "-y"])
def test_drop_yes(app: Vial, bound: SQLAlchemy, flag: str) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "create"])
    result = runner.invoke(args=["db", "drop", flag, "--bind", "extra"])
    assert result.exit_code == 0, result.output
    assert "Drop every table" not in result.output
    assert _tables(app, bound) == {None: {"widget"}, "extra": set()}


def test_help(app: Vial, db: SQLAlchemy) -> None:
    result = app.test_cli_runner().invoke(args=["db", "--help"])
    assert result.exit_code == 0
    assert "create" in result.output
    assert "drop" in result.output


def test_add_models_to_shell(app: Vial, db: SQLAlchemy) -> None:
    class Gizmo(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        names = add_models_to_shell()
    assert names == {"db": db, "Gizmo": Gizmo}


def test_shell_context(app: Vial, db: SQLAlchemy) -> None:
    class Gizmo(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        names = app.make_shell_context()
    assert names["db"] is db
    assert names["Gizmo"] is Gizmo


def test_shell_context_can_be_turned_off(app: Vial, make_db: MakeDB) -> None:
    make_db(add_models_to_shell=False)
    with app.app_context():
        names = app.make_shell_context()
    assert "db" not in names
