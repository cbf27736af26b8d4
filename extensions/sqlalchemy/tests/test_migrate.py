"""The package: what it exports, when Alembic is imported, the Flask alias."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import vial_sqlalchemy.migrate

#: What code written for Flask-Migrate 4 imports from flask_migrate.
FLASK_MIGRATE_NAMES = [
    "Migrate",
    "branches",
    "check",
    "current",
    "downgrade",
    "edit",
    "heads",
    "history",
    "init",
    "list_templates",
    "merge",
    "migrate",
    "revision",
    "show",
    "stamp",
    "upgrade",
]


def test_exports_the_names_of_flask_migrate() -> None:
    for name in FLASK_MIGRATE_NAMES:
        value = getattr(vial_sqlalchemy.migrate, name)
        assert callable(value), name
        assert value.__doc__, name


def test_alembic_version() -> None:
    import alembic

    numbers = tuple(int(part) for part in alembic.__version__.split(".")[:3])
    assert vial_sqlalchemy.migrate.alembic_version == numbers


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_alembic_is_imported_when_a_command_runs_and_flask_migrate_is_ours() -> None:
    # One process for both checks: each start costs a second or more.
    result = run_python(
        """
        import sys

        import vial_sqlalchemy
        assert "alembic" not in sys.modules, "import vial_sqlalchemy"

        from vial import Vial
        from vial_sqlalchemy.migrate import Migrate, current
        app = Vial("lazy")
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
        Migrate(app, vial_sqlalchemy.SQLAlchemy(app))
        app.test_cli_runner().invoke(args=["db", "--help"])
        assert "alembic" not in sys.modules, "Migrate(app, db)"
        with app.app_context():
            try:
                current()
            except vial_sqlalchemy.migrate.MigrationError:
                pass  # no migrations folder here
        assert "alembic.command" in sys.modules, "current()"

        from vial.compat import alias_flask
        alias_flask()
        import flask_migrate
        from flask_migrate import Migrate as FlaskMigrate, upgrade
        assert flask_migrate is vial_sqlalchemy.migrate
        assert FlaskMigrate is Migrate
        assert upgrade is vial_sqlalchemy.migrate.upgrade
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"
