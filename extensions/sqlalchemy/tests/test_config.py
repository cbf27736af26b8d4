from __future__ import annotations

import pathlib
import re
import typing as t

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.config import OPTIONS

PACKAGE = pathlib.Path(__file__).resolve().parent.parent
SOURCE = PACKAGE / "src" / "vial_sqlalchemy"


def test_defaults(tmp_path: t.Any) -> None:
    app = Vial("defaults", instance_path=str(tmp_path))
    OPTIONS.apply(app)
    assert {key: app.config[key] for key in app.config if "SQLALCHEMY" in key} == {
        "SQLALCHEMY_DATABASE_URI": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLALCHEMY_BINDS": {},
        "SQLALCHEMY_ECHO": False,
        "SQLALCHEMY_RECORD_QUERIES": False,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
        "SQLALCHEMY_OUTAGE_503": True,
        "SQLALCHEMY_OUTAGE_RETRY_AFTER": 5,
    }


def test_init_app_sets_defaults_without_overriding(app: Vial) -> None:
    app.config["SQLALCHEMY_ECHO"] = True
    db = SQLAlchemy(app)
    assert app.config["SQLALCHEMY_ECHO"] is True
    assert app.config["SQLALCHEMY_RECORD_QUERIES"] is False
    assert app.config["SQLALCHEMY_BINDS"] == {}
    with app.app_context():
        assert db.engine.echo is True
    app.extensions["sqlalchemy"].engines[None].dispose()


def test_defaults_are_copies(tmp_path: t.Any) -> None:
    app = Vial("copies", instance_path=str(tmp_path))
    OPTIONS.apply(app)
    app.config["SQLALCHEMY_BINDS"]["x"] = "sqlite://"
    assert OPTIONS["SQLALCHEMY_BINDS"].default == {}


def test_every_option_is_documented() -> None:
    for option in OPTIONS:
        assert option.name.startswith("SQLALCHEMY_")
        assert option.doc.endswith("."), option.name
        assert len(option.doc) > 40, option.name


def test_every_key_the_code_reads_is_an_option() -> None:
    used = set()
    for path in SOURCE.glob("*.py"):
        used.update(
            re.findall(r"SQLALCHEMY_[A-Z0-9_]+[A-Z0-9]", path.read_text("utf-8"))
        )
    assert used == {option.name for option in OPTIONS}
