from __future__ import annotations

import typing as t

import pytest

from vial import Vial
from vial_sqlalchemy import before_models_committed
from vial_sqlalchemy import models_committed
from vial_sqlalchemy import SQLAlchemy

MakeDB = t.Callable[..., SQLAlchemy]
Received = list[tuple[str, t.Any, list[tuple[t.Any, str]]]]


@pytest.fixture
def received(app: Vial) -> t.Iterator[Received]:
    events: Received = []

    def before(sender: t.Any, changes: list[tuple[t.Any, str]]) -> None:
        events.append(("before", sender, list(changes)))

    def after(sender: t.Any, changes: list[tuple[t.Any, str]]) -> None:
        events.append(("after", sender, list(changes)))

    with (
        before_models_committed.connected_to(before),
        models_committed.connected_to(after),
    ):
        yield events


def _changes(*pairs: tuple[t.Any, str]) -> set[tuple[int, str]]:
    """Compare changes by object identity: after a commit, attributes are
    expired and the session is gone, so names cannot be read any more."""
    return {(id(model), operation) for model, operation in pairs}


def test_signals_report_inserts_updates_and_deletes(
    app: Vial, make_db: MakeDB, received: Received
) -> None:
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = True
    db = make_db()

    class Pet(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        rex, tom = Pet(name="rex"), Pet(name="tom")
        db.session.add_all([rex, tom])
        db.session.commit()
        assert [(kind, sender) for kind, sender, _ in received] == [
            ("before", app),
            ("after", app),
        ]
        inserted = _changes((rex, "insert"), (tom, "insert"))
        assert _changes(*received[0][2]) == inserted
        assert _changes(*received[1][2]) == inserted

        received.clear()
        rex.name = "max"
        db.session.delete(tom)
        db.session.commit()
        assert _changes(*received[-1][2]) == _changes((rex, "update"), (tom, "delete"))

        # A flush before the commit is tracked as well.
        received.clear()
        kit = Pet(name="kit")
        db.session.add(kit)
        db.session.flush()
        db.session.commit()
        assert _changes(*received[-1][2]) == _changes((kit, "insert"))


def test_before_commit_receivers_see_the_session(app: Vial, make_db: MakeDB) -> None:
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = True
    db = make_db()

    class Pet(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    counts: list[int] = []

    def count_pets(sender: t.Any, changes: list[tuple[t.Any, str]]) -> None:
        counts.append(db.session.query(Pet).count())

    with app.app_context():
        db.create_all()
        with before_models_committed.connected_to(count_pets, sender=app):
            db.session.add(Pet(name="a"))
            db.session.commit()
    assert counts == [1]


def test_rollback_forgets_changes(
    app: Vial, make_db: MakeDB, received: Received
) -> None:
    app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] = True
    db = make_db()

    class Pet(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        db.session.add(Pet(name="gone"))
        db.session.flush()
        db.session.rollback()
        kept = Pet(name="kept")
        db.session.add(kept)
        db.session.commit()
    assert len(received) == 2
    assert _changes(*received[-1][2]) == _changes((kept, "insert"))


def test_no_signals_when_off(app: Vial, db: SQLAlchemy, received: Received) -> None:
    assert app.config["SQLALCHEMY_TRACK_MODIFICATIONS"] is False

    class Pet(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    with app.app_context():
        db.create_all()
        db.session.add(Pet(name="quiet"))
        db.session.commit()
    assert received == []


def test_tracking_is_per_app(
    app: Vial, make_db: MakeDB, received: Received, tmp_path: t.Any
) -> None:
    db = SQLAlchemy()

    class Pet(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)
        name = db.Column(db.String(20))

    tracked = Vial("tracked", instance_path=str(tmp_path))
    tracked.config.update(
        SQLALCHEMY_DATABASE_URI="sqlite://", SQLALCHEMY_TRACK_MODIFICATIONS=True
    )
    quiet = Vial("quiet", instance_path=str(tmp_path))
    quiet.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    db.init_app(tracked)
    db.init_app(quiet)

    pets = {}
    for target in (quiet, tracked):
        with target.app_context():
            db.create_all()
            pets[target.name] = Pet(name=target.name)
            db.session.add(pets[target.name])
            db.session.commit()
    assert [sender for _, sender, _ in received] == [tracked, tracked]
    assert _changes(*received[-1][2]) == _changes((pets["tracked"], "insert"))
    for target in (quiet, tracked):
        target.extensions["sqlalchemy"].engines[None].dispose()
