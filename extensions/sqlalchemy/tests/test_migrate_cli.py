from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import typing as t
from pathlib import Path

import click
import pytest
import sqlalchemy as sa
from click.testing import Result
from conftest import drop_every_table

from vial import Vial
from vial.testing import VialCliRunner
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate

MakeDB = t.Callable[..., SQLAlchemy]

#: Flask-Migrate's commands, by the names its users type.
FLASK_MIGRATE_COMMANDS = {
    "branches",
    "check",
    "current",
    "downgrade",
    "edit",
    "heads",
    "history",
    "init",
    "list-templates",
    "merge",
    "migrate",
    "revision",
    "show",
    "stamp",
    "upgrade",
}


@pytest.fixture
def cli(
    app: Vial, db: SQLAlchemy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> t.Iterator[t.Callable[..., Result]]:
    """Run ``vial db ...`` in an empty working directory, with Migrate(app, db)
    on its "migrations" folder."""
    monkeypatch.chdir(tmp_path)
    sa.Table(
        "member",
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(40)),
    )
    Migrate(app, db)
    runner: VialCliRunner = app.test_cli_runner()

    def invoke(*args: str) -> Result:
        return runner.invoke(args=["db", *args])

    yield invoke
    drop_every_table(app)


def tables(app: Vial, db: SQLAlchemy) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_the_workflow(
    app: Vial, db: SQLAlchemy, cli: t.Callable[..., Result], tmp_path: Path
) -> None:
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "migrations" / "env.py").is_file()

    result = cli("migrate", "-m", "members", "--rev-id", "r1")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "migrations" / "versions" / "r1_members.py").is_file()

    result = cli("upgrade")
    assert result.exit_code == 0, result.output
    assert "member" in tables(app, db)

    result = cli("current")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "r1 (head)"

    result = cli("history", "--verbose")
    assert "Rev: r1 (head)" in result.stdout
    assert "members" in result.stdout

    result = cli("check")
    assert result.exit_code == 0, result.output

    result = cli("downgrade")
    assert result.exit_code == 0, result.output
    assert "member" not in tables(app, db)

    result = cli("upgrade", "r1")
    assert result.exit_code == 0, result.output
    result = cli("downgrade", "base")
    assert result.exit_code == 0, result.output
    assert "member" not in tables(app, db)


def test_check_fails_on_pending_changes(cli: t.Callable[..., Result]) -> None:
    cli("init")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: New upgrade operations detected:")
    assert "add_table" in result.stderr
    assert "'vial db migrate'" in result.stderr


def test_no_migrations_folder(cli: t.Callable[..., Result], tmp_path: Path) -> None:
    for command in ("upgrade", "migrate", "current", "check"):
        result = cli(command)
        assert result.exit_code == 1, command
        assert result.stderr == (
            f"Error: There is no migrations folder at"
            f" {str(tmp_path / 'migrations')!r}. Create it with 'vial db init'"
            " (init() in code), or name the folder of the project with"
            " --directory.\n"
        )


def test_unknown_revision(cli: t.Callable[..., Result]) -> None:
    cli("init")
    result = cli("upgrade", "nope")
    assert result.exit_code == 1
    assert "'nope'" in result.stderr
    assert "'vial db history' lists the revisions" in result.stderr
    assert "Traceback" not in result.output


def test_merge_without_revisions(cli: t.Callable[..., Result]) -> None:
    cli("init")
    result = cli("merge")
    assert result.exit_code == 1
    assert "'vial db merge heads'" in result.stderr


def test_group_directory_and_x_arg(
    app: Vial, cli: t.Callable[..., Result], tmp_path: Path
) -> None:
    seen: list[list[str]] = []
    migrate: Migrate = app.extensions["migrate"].migrate

    @migrate.configure
    def remember(config: t.Any) -> t.Any:
        seen.append(list(config.cmd_opts.x))
        return config

    result = cli("-d", "elsewhere", "init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "elsewhere" / "env.py").is_file()
    assert not (tmp_path / "migrations").exists()

    result = cli("-d", "elsewhere", "-x", "a=1", "upgrade", "-x", "b=2")
    assert result.exit_code == 0, result.output
    result = cli("--directory", "elsewhere", "--x-arg", "c=3", "current")
    assert result.exit_code == 0, result.output
    # A command's own --directory wins over the group's.
    result = cli("-d", "nowhere", "current", "-d", "elsewhere")
    assert result.exit_code == 0, result.output
    assert seen == [[], ["a=1", "b=2"], ["c=3"], []]


def test_revision_show_heads_branches_stamp(cli: t.Callable[..., Result]) -> None:
    cli("init")
    assert cli("revision", "-m", "empty", "--rev-id", "a1").exit_code == 0
    result = cli("revision", "--autogenerate", "-m", "auto", "--rev-id", "b2")
    assert result.exit_code == 1
    assert "not up to date" in result.stderr
    assert cli("stamp", "a1").exit_code == 0
    result = cli("revision", "--autogenerate", "-m", "auto", "--rev-id", "b2")
    assert result.exit_code == 0, result.output

    assert "Rev: b2 (head)" in cli("show").stdout
    assert "Rev: a1" in cli("show", "a1").stdout
    assert cli("heads").stdout.strip() == "b2 (head)"
    assert cli("branches").stdout.strip() == ""
    result = cli("revision", "--head", "a1", "--splice", "--rev-id", "c3")
    assert result.exit_code == 0, result.output
    assert cli("branches").stdout.startswith("a1 (branchpoint)")
    result = cli("merge", "-m", "join", "--rev-id", "d4", "b2", "c3")
    assert result.exit_code == 0, result.output
    assert cli("heads").stdout.split() == ["d4", "(head)"]
    assert cli("stamp", "--purge", "d4").exit_code == 0
    assert cli("current").stdout.split() == ["d4", "(head)", "(mergepoint)"]


def test_sql_options(cli: t.Callable[..., Result]) -> None:
    cli("init")
    cli("migrate", "--rev-id", "r1")
    result = cli("upgrade", "--sql")
    assert result.exit_code == 0, result.output
    assert "CREATE TABLE member" in result.stdout
    result = cli("downgrade", "--sql")
    assert result.exit_code == 0, result.output
    assert "DROP TABLE member" in result.stdout
    result = cli("stamp", "--sql", "r1")
    assert "INSERT INTO alembic_version" in result.stdout


def test_init_options_and_list_templates(
    cli: t.Callable[..., Result], tmp_path: Path
) -> None:
    result = cli("list-templates")
    assert result.exit_code == 0, result.output
    assert "vial-multidb - Several databases" in result.stdout
    result = cli("init", "--multidb", "--package", "-d", "multi")
    assert result.exit_code == 0, result.output
    assert "engine_name" in (tmp_path / "multi" / "env.py").read_text("utf-8")
    assert (tmp_path / "multi" / "__init__.py").is_file()
    result = cli("init", "-t", "nope", "-d", "other")
    assert result.exit_code == 1
    assert "No such template" in result.stderr


def test_edit(
    cli: t.Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen('opened.txt', 'w').write(sys.argv[1])\n", encoding="utf-8"
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    cli("init")
    cli("revision", "--rev-id", "a1")
    result = cli("edit")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "opened.txt").read_text("utf-8").endswith("a1_.py")


def test_help_lists_the_commands_of_flask_migrate_and_vial_sqlalchemy(
    app: Vial, cli: t.Callable[..., Result]
) -> None:
    group = app.cli.commands["db"]
    assert isinstance(group, click.Group)
    assert set(group.commands) == FLASK_MIGRATE_COMMANDS | {"create", "drop"}
    result = cli("--help")
    assert "Create the tables, or migrate the database schema" in result.stdout
    for name in FLASK_MIGRATE_COMMANDS:
        assert f"  {name} " in result.stdout


@pytest.mark.parametrize("migrate_first", [True, False])
def test_db_group_in_either_order(
    app: Vial, make_db: MakeDB, migrate_first: bool
) -> None:
    migrate = Migrate()
    if migrate_first:
        db = SQLAlchemy()
        migrate.init_app(app, db)
        make_db()  # sets vial-sqlalchemy up after Migrate
    else:
        db = make_db()
        migrate.init_app(app, db)
    group = app.cli.commands["db"]
    assert isinstance(group, click.Group)
    assert {"create", "drop", "upgrade", "init"} <= set(group.commands)
    # The group is the migrations one, with its options.
    assert {p.name for p in group.params} == {"directory", "x_arg"}


def test_own_command_name(app: Vial, db: SQLAlchemy) -> None:
    Migrate(app, db, command="schema")
    schema, db_group = app.cli.commands["schema"], app.cli.commands["db"]
    assert isinstance(schema, click.Group)
    assert isinstance(db_group, click.Group)
    assert "upgrade" in schema.commands
    assert set(db_group.commands) == {"create", "drop"}


def test_the_app_keeps_its_own_db_commands(app: Vial, db: SQLAlchemy) -> None:
    @app.cli.group("db")
    def own_group() -> None:
        """The app's own group."""

    @own_group.command("seed")
    def seed() -> None:
        click.echo("seeded")

    Migrate(app, db)
    result = app.test_cli_runner().invoke(args=["db", "seed"])
    assert result.output == "seeded\n"


def test_real_command_line_logs_what_alembic_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``vial db upgrade`` as a user runs it: logging set up from alembic.ini."""
    database = tmp_path / "app.db"
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            f"""\
            from vial import Vial
            from vial_sqlalchemy import SQLAlchemy
            from vial_sqlalchemy.migrate import Migrate

            app = Vial(__name__)
            app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///{database}"
            db = SQLAlchemy(app)
            migrate = Migrate(app, db)
            """
        ),
        encoding="utf-8",
    )
    # The folder and the revision are written here, to start one process only.
    monkeypatch.chdir(tmp_path)
    app = Vial("here", instance_path=str(tmp_path))
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
    db = SQLAlchemy(app)
    Migrate(app, db)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "init"]).exit_code == 0
    assert runner.invoke(args=["db", "revision", "--rev-id", "r1"]).exit_code == 0

    result = subprocess.run(
        [sys.executable, "-m", "vial", "db", "upgrade"],
        cwd=tmp_path,
        env={**os.environ, "VIAL_APP": "app"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "INFO  [alembic.runtime.migration] Running upgrade  -> r1" in result.stderr
    # The noise of Alembic's plugin loading stays out.
    assert "alembic.runtime.plugins" not in result.stderr
    with app.app_context(), db.engine.connect() as connection:
        version = connection.execute(sa.text("SELECT * FROM alembic_version"))
        assert version.scalar() == "r1"
    for engine in app.extensions["sqlalchemy"].engines.values():
        engine.dispose()
