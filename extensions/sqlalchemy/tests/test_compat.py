from __future__ import annotations

import typing as t

import pytest
import sqlalchemy as sa

from vial import Vial
from vial_sqlalchemy import SQLAlchemy

MakeDB = t.Callable[..., SQLAlchemy]


def test_make_engine_is_the_hook_for_every_engine(tmp_path: t.Any) -> None:
    calls: list[tuple[str | None, dict[str, t.Any], Vial]] = []

    class TracingSQLAlchemy(SQLAlchemy):
        def _make_engine(
            self, bind_key: str | None, options: dict[str, t.Any], app: Vial
        ) -> sa.engine.Engine:
            calls.append((bind_key, options, app))
            return super()._make_engine(bind_key, {**options, "echo": True}, app)

    app = Vial("hooked", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    app.config["SQLALCHEMY_BINDS"] = {"audit": "sqlite:///audit.db"}
    db = TracingSQLAlchemy(app)

    assert len(calls) == 2
    by_key = {key: (options, target) for key, options, target in calls}
    assert set(by_key) == {None, "audit"}
    assert all(target is app for _, target in by_key.values())
    # The options arrive with the driver defaults applied and a URL object.
    memory, audit = by_key[None][0], by_key["audit"][0]
    assert memory["poolclass"] is sa.pool.StaticPool
    assert memory["connect_args"]["check_same_thread"] is False
    assert audit["url"].database == str(tmp_path / "audit.db")
    with app.app_context():
        # What the hook returned is what the app uses.
        assert db.engine.echo is True
        assert db.engines["audit"].echo is True
    for engine in app.extensions["sqlalchemy"].engines.values():
        engine.dispose()


def test_get_engine_is_deprecated_but_works(app: Vial, db: SQLAlchemy) -> None:
    with app.app_context():
        with pytest.deprecated_call(match=r"db\.engines\[bind_key\]"):
            assert db.get_engine() is db.engine
        with pytest.deprecated_call():
            assert db.get_engine(bind=None) is db.engine
        with pytest.deprecated_call(), pytest.raises(KeyError):
            db.get_engine("missing")
        with pytest.deprecated_call(), pytest.raises(TypeError, match="bind_key"):
            db.get_engine(app=app)
