from __future__ import annotations

import pathlib
import re
import typing as t

import pytest

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.config import config_table
from vial_sqlalchemy.config import set_defaults
from vial_sqlalchemy.config import SETTINGS

PACKAGE = pathlib.Path(__file__).resolve().parent.parent
SOURCE = PACKAGE / "src" / "vial_sqlalchemy"
DOCS_PAGE = PACKAGE.parent.parent / "docs" / "extensions" / "sqlalchemy.rst"


def test_defaults(tmp_path: t.Any) -> None:
    app = Vial("defaults", instance_path=str(tmp_path))
    set_defaults(app)
    assert {key: app.config[key] for key in app.config if "SQLALCHEMY" in key} == {
        "SQLALCHEMY_DATABASE_URI": None,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "SQLALCHEMY_BINDS": {},
        "SQLALCHEMY_ECHO": False,
        "SQLALCHEMY_RECORD_QUERIES": False,
        "SQLALCHEMY_TRACK_MODIFICATIONS": False,
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
    set_defaults(app)
    app.config["SQLALCHEMY_BINDS"]["x"] = "sqlite://"
    assert next(s for s in SETTINGS if s.name == "SQLALCHEMY_BINDS").default == {}


def test_every_setting_is_documented() -> None:
    for setting in SETTINGS:
        assert setting.name.startswith("SQLALCHEMY_")
        assert setting.doc.endswith("."), setting.name
        assert len(setting.doc) > 40, setting.name


def test_every_key_the_code_reads_is_a_setting() -> None:
    used = set()
    for path in SOURCE.glob("*.py"):
        used.update(re.findall(r"SQLALCHEMY_[A-Z_]+[A-Z]", path.read_text("utf-8")))
    assert used == {setting.name for setting in SETTINGS}


@pytest.mark.parametrize(
    ("path", "format"), [(PACKAGE / "README.md", "markdown"), (DOCS_PAGE, "rst")]
)
def test_documented_tables_match_the_code(path: pathlib.Path, format: str) -> None:
    text = path.read_text("utf-8")
    table = config_table(format)  # type: ignore[arg-type]
    assert table in text, (
        f"The configuration table in {path} is out of date; paste the output of"
        f" vial_sqlalchemy.config.config_table({format!r}) there."
    )


def test_markdown_table_shape() -> None:
    lines = config_table("markdown").splitlines()
    assert lines[0] == "| Key | Default | Meaning |"
    assert len(lines) == 2 + len(SETTINGS)
    assert "``" not in config_table("markdown")
