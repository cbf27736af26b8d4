from __future__ import annotations

import sys

import pytest

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.migrate import MigrationError
from vial_sqlalchemy.migrate import upgrade
from vial_sqlalchemy.migrate.errors import alembic_errors
from vial_sqlalchemy.migrate.errors import command_line
from vial_sqlalchemy.migrate.errors import explain
from vial_sqlalchemy.migrate.errors import require_alembic


def test_missing_alembic_says_how_to_install_it(
    app: Vial, db: SQLAlchemy, monkeypatch: pytest.MonkeyPatch
) -> None:
    Migrate(app, db)
    for name in [n for n in sys.modules if n == "alembic" or n.startswith("alembic.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "alembic", None)
    message = r"pip install \"vial-sqlalchemy\[migrate\]\""
    with pytest.raises(MigrationError, match=message) as info:
        require_alembic()
    assert isinstance(info.value.__cause__, ImportError)
    with app.app_context(), pytest.raises(MigrationError, match=message):
        upgrade()


def test_command_line_names_the_group(app: Vial, db: SQLAlchemy) -> None:
    assert command_line("init") == "vial db init"
    Migrate(app, db, command="schema")
    with app.app_context():
        assert command_line("init") == "vial schema init"


@pytest.mark.parametrize(
    ("alembic_message", "hint"),
    [
        (
            "Can't locate revision identified by 'nope'",
            "'vial db history' lists the revisions of the migrations folder.",
        ),
        (
            "Multiple head revisions are present for given argument 'head'",
            "Join the heads with 'vial db merge heads', or name one head.",
        ),
        (
            "Target database is not up to date.",
            "Apply the pending revisions with 'vial db upgrade' first.",
        ),
        (
            "New upgrade operations detected: [('add_table', ...)]",
            "Write a revision for them with 'vial db migrate', then apply it with"
            " 'vial db upgrade'.",
        ),
    ],
)
def test_explain_adds_the_next_command(alembic_message: str, hint: str) -> None:
    message = explain(Exception(alembic_message))
    assert message.startswith(alembic_message.rstrip("."))
    assert message.endswith(f". {hint}")


def test_explain_leaves_other_messages() -> None:
    assert explain(Exception("Something else")) == "Something else."


def test_alembic_errors_become_migration_errors() -> None:
    from alembic.util import CommandError

    @alembic_errors
    def failing(value: int) -> int:
        raise CommandError(f"Can't locate revision identified by '{value}'")

    @alembic_errors
    def working(value: int) -> int:
        return value * 2

    assert working(21) == 42
    with pytest.raises(MigrationError, match="identified by '7'") as info:
        failing(7)
    assert isinstance(info.value.__cause__, CommandError)
