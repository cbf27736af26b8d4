from __future__ import annotations

import typing as t

import sqlalchemy as sa

from vial import Vial
from vial_sqlalchemy import get_recorded_queries
from vial_sqlalchemy import QueryInfo
from vial_sqlalchemy import SQLAlchemy

MakeDB = t.Callable[..., SQLAlchemy]


def _recording_app(database_url: str, tmp_path: t.Any, record: bool) -> Vial:
    # The app's import name is this module, so locations point into it.
    app = Vial(__name__, instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config["SQLALCHEMY_RECORD_QUERIES"] = record
    return app


def _run_query(db: SQLAlchemy, model: t.Any) -> None:
    db.session.execute(db.select(model).filter_by(id=7)).all()


def test_queries_are_recorded(
    database_url: str, tmp_path: t.Any, make_db: MakeDB
) -> None:
    app = _recording_app(database_url, tmp_path, record=True)
    db = make_db(app)

    class Reading(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    with app.app_context():
        db.create_all()
        before = len(get_recorded_queries())
        _run_query(db, Reading)
        queries = get_recorded_queries()
        assert len(queries) == before + 1
        info = queries[-1]
        assert isinstance(info, QueryInfo)
        assert info.statement is not None
        assert "FROM reading" in info.statement
        assert "7" in repr(info.parameters)
        assert info.start_time <= info.end_time
        assert info.duration == info.end_time - info.start_time
        assert info.duration >= 0
        assert info.location.startswith(f"{__file__}:")
        assert info.location.endswith(" (_run_query)")

    with app.app_context():
        # Each app context starts with an empty list.
        assert get_recorded_queries() == []


def test_location_unknown_outside_the_app_package(
    database_url: str, tmp_path: t.Any, make_db: MakeDB
) -> None:
    app = Vial("somewhere_else", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    app.config["SQLALCHEMY_RECORD_QUERIES"] = True
    db = make_db(app)
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        assert get_recorded_queries()[-1].location == "<unknown>"


def test_nothing_recorded_when_off(
    database_url: str, tmp_path: t.Any, make_db: MakeDB
) -> None:
    app = _recording_app(database_url, tmp_path, record=False)
    db = make_db(app)
    assert app.config["SQLALCHEMY_RECORD_QUERIES"] is False
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
        assert get_recorded_queries() == []


def test_nothing_recorded_outside_an_app_context(
    database_url: str, tmp_path: t.Any, make_db: MakeDB
) -> None:
    app = _recording_app(database_url, tmp_path, record=True)
    make_db(app)
    engine = app.extensions["sqlalchemy"].engines[None]
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    with app.app_context():
        assert get_recorded_queries() == []
