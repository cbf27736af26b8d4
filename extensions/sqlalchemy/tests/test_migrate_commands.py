from __future__ import annotations

import os
import re
import sys
import typing as t
from pathlib import Path

import pytest
import sqlalchemy as sa

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import branches
from vial_sqlalchemy.migrate import check
from vial_sqlalchemy.migrate import current
from vial_sqlalchemy.migrate import downgrade
from vial_sqlalchemy.migrate import edit
from vial_sqlalchemy.migrate import heads
from vial_sqlalchemy.migrate import history
from vial_sqlalchemy.migrate import init
from vial_sqlalchemy.migrate import list_templates
from vial_sqlalchemy.migrate import merge
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.migrate import migrate as make_migration
from vial_sqlalchemy.migrate import MigrationError
from vial_sqlalchemy.migrate import revision
from vial_sqlalchemy.migrate import show
from vial_sqlalchemy.migrate import stamp
from vial_sqlalchemy.migrate import upgrade


def define_table(db: SQLAlchemy, name: str, *columns: sa.Column[t.Any]) -> sa.Table:
    """(Re)define the table ``name`` in the default metadata, as a model edit would."""
    if name in db.metadata.tables:
        db.metadata.remove(db.metadata.tables[name])
    return sa.Table(name, db.metadata, *columns)


def user_table(db: SQLAlchemy, *extra: sa.Column[t.Any]) -> sa.Table:
    return define_table(
        db,
        "user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50)),
        *extra,
    )


def table_names(db: SQLAlchemy) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def columns(db: SQLAlchemy, table: str) -> dict[str, t.Any]:
    return {c["name"]: c["type"] for c in sa.inspect(db.engine).get_columns(table)}


def revision_files(migrations: str) -> list[str]:
    folder = Path(migrations, "versions")
    return sorted(p.name for p in folder.glob("*.py"))


def read_revision(migrations: str, rev_id: str) -> str:
    (path,) = Path(migrations, "versions").glob(f"{rev_id}_*.py")
    return path.read_text(encoding="utf-8")


def test_init_writes_the_folder(
    app: Vial, migrate: Migrate, migrations: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with app.app_context():
        init()
    names = sorted(os.listdir(migrations))
    assert names == ["README", "alembic.ini", "env.py", "script.py.mako", "versions"]
    env = Path(migrations, "env.py").read_text(encoding="utf-8")
    assert "from vial_sqlalchemy.migrate.state import STATE" in env
    out = capsys.readouterr().out
    assert "'vial db migrate -m MESSAGE'" in out


def test_init_multidb_and_package(app: Vial, migrate: Migrate, migrations: str) -> None:
    with app.app_context():
        init(multidb=True, package=True)
    env = Path(migrations, "env.py").read_text(encoding="utf-8")
    assert "run_migrations(engine_name=name)" in env
    assert Path(migrations, "__init__.py").is_file()
    assert Path(migrations, "versions", "__init__.py").is_file()


@pytest.mark.parametrize("name", ["flask", "vial"])
def test_init_template_by_name(
    app: Vial, migrate: Migrate, migrations: str, name: str
) -> None:
    with app.app_context():
        init(template=name)
    readme = Path(migrations, "README").read_text(encoding="utf-8")
    assert readme.startswith("One database")


def test_init_template_of_the_project(
    app: Vial, migrate: Migrate, migrations: str, tmp_path: Path
) -> None:
    own = tmp_path / "templates" / "ours"
    own.mkdir(parents=True)
    (own / "README").write_text("Our template.\n", encoding="utf-8")
    (own / "env.py").write_text("# ours\n", encoding="utf-8")
    (own / "alembic.ini.mako").write_text("[alembic]\n", encoding="utf-8")
    with app.app_context():
        init(template=str(own))
    assert Path(migrations, "env.py").read_text(encoding="utf-8") == "# ours\n"


def test_init_refuses_a_folder_in_use(
    app: Vial, migrate: Migrate, migrations: str
) -> None:
    with app.app_context():
        init()
        with pytest.raises(MigrationError, match="not empty"):
            init()


def test_init_unknown_template(app: Vial, migrate: Migrate) -> None:
    with app.app_context(), pytest.raises(MigrationError, match="No such template"):
        init(template="nope")


def test_list_templates(
    app: Vial, migrate: Migrate, capsys: pytest.CaptureFixture[str]
) -> None:
    with app.app_context():
        list_templates()
    out = capsys.readouterr().out
    assert "'vial db init --template NAME'" in out
    assert "vial - One database: the default engine" in out
    assert "vial-multidb - Several databases: the default engine and every bind" in out


def test_upgrade_to_head_down_to_base_and_back(
    app: Vial, db: SQLAlchemy, migrate: Migrate, capsys: pytest.CaptureFixture[str]
) -> None:
    user_table(db)
    with app.app_context():
        init()
        make_migration(message="users", rev_id="r1")
        assert "user" not in table_names(db)
        upgrade()
        assert table_names(db) == {"alembic_version", "user"}
        capsys.readouterr()
        current()
        assert capsys.readouterr().out.strip() == "r1 (head)"

        downgrade(revision="base")
        assert table_names(db) == {"alembic_version"}
        current()
        assert capsys.readouterr().out.strip() == ""

        upgrade()
        assert table_names(db) == {"alembic_version", "user"}
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO \"user\" (name) VALUES ('ada')"))


def test_autogenerate_follows_the_models(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    user_table(db)
    with app.app_context():
        init()
        make_migration(message="users", rev_id="r1")
        assert "op.create_table('user'" in read_revision(migrations, "r1")
        upgrade()

        # A new table, then a new column and a longer string.
        define_table(db, "post", sa.Column("id", sa.Integer, primary_key=True))
        make_migration(message="posts", rev_id="r2")
        assert "op.create_table('post'" in read_revision(migrations, "r2")
        upgrade()
        assert "post" in table_names(db)

        user_table(db, sa.Column("age", sa.Integer)).c.name.type = sa.String(200)
        make_migration(message="user details", rev_id="r3")
        text = read_revision(migrations, "r3")
        # render_as_batch and compare_type are on by default.
        assert "with op.batch_alter_table('user'" in text
        assert "batch_op.add_column(sa.Column('age'" in text
        assert "type_=sa.String(length=200)" in text
        upgrade()
        found = columns(db, "user")
        assert set(found) == {"id", "name", "age"}
        assert found["name"].length == 200

        # Back down one revision: the column and the length go.
        downgrade()
        found = columns(db, "user")
        assert set(found) == {"id", "name"}
        assert found["name"].length == 50


class Tags(sa.types.TypeDecorator[list[str]]):
    """A column type of the app's own: tags stored as one comma-separated text."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: list[str] | None, dialect: t.Any) -> str | None:
        return None if value is None else ",".join(value)

    def process_result_value(self, value: str | None, dialect: t.Any) -> list[str]:
        return [] if not value else value.split(",")


def test_a_revision_imports_the_apps_column_types(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    define_table(
        db,
        "note",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tags", Tags()),
    )
    with app.app_context():
        init()
        make_migration(message="notes", rev_id="r1")
        text = read_revision(migrations, "r1")
        assert f"import {Tags.__module__}\n" in text
        assert f"{Tags.__module__}.Tags()" in text
        upgrade()
        assert "note" in table_names(db)
        downgrade()
        assert "note" not in table_names(db)


def test_migrate_without_changes_writes_nothing(
    app: Vial,
    db: SQLAlchemy,
    migrate: Migrate,
    migrations: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    user_table(db)
    with app.app_context():
        init()
        make_migration(rev_id="r1")
        upgrade()
        caplog.set_level("INFO", logger="alembic")
        make_migration(rev_id="r2")
    assert revision_files(migrations) == ["r1_.py"]
    assert "No changes in the schema were detected." in caplog.text


def test_migrate_options_of_migrate(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    app.extensions["migrate"].configure_args["render_as_batch"] = False
    user_table(db)
    with app.app_context():
        init()
        make_migration(rev_id="r1")
        upgrade()
        user_table(db, sa.Column("age", sa.Integer))
        make_migration(rev_id="r2")
    text = read_revision(migrations, "r2")
    assert "op.add_column('user'" in text
    assert "batch_alter_table" not in text


def test_migrate_needs_an_up_to_date_database(
    app: Vial, db: SQLAlchemy, migrate: Migrate
) -> None:
    user_table(db)
    with app.app_context():
        init()
        make_migration(rev_id="r1")
        with pytest.raises(MigrationError, match=r"'vial db upgrade' first\.$"):
            make_migration(rev_id="r2")


def test_check(app: Vial, db: SQLAlchemy, migrate: Migrate) -> None:
    user_table(db)
    with app.app_context():
        init()
        with pytest.raises(MigrationError) as info:
            check()
        message = str(info.value)
        assert message.startswith("New upgrade operations detected")
        assert "'vial db migrate'" in message
        make_migration(rev_id="r1")
        # The revision is written but not applied yet.
        with pytest.raises(MigrationError, match="not up to date"):
            check()
        upgrade()
        check()


def test_revision_stamp_and_the_listings(
    app: Vial,
    db: SQLAlchemy,
    migrate: Migrate,
    migrations: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with app.app_context():
        init()
        revision(message="first", rev_id="a1")
        revision(message="second", rev_id="b2")
        # Two revisions after a1: a branch.
        revision(message="side", rev_id="c3", head="a1", splice=True)
        assert "def upgrade() -> None:" in read_revision(migrations, "a1")
        capsys.readouterr()

        heads()
        assert sorted(capsys.readouterr().out.splitlines()) == [
            "b2 (head)",
            "c3 (head)",
        ]
        branches()
        assert capsys.readouterr().out.startswith("a1 (branchpoint)")
        history()
        out = capsys.readouterr().out
        assert "a1 -> b2 (head), second" in out
        assert "a1 -> c3 (head), side" in out
        assert "<base> -> a1 (branchpoint), first" in out
        show(revision="a1")
        assert "Rev: a1 (branchpoint)" in capsys.readouterr().out

        with pytest.raises(MigrationError, match="'vial db merge heads'"):
            upgrade(revision="head")
        merge(revisions="heads", message="join", rev_id="d4")
        capsys.readouterr()
        heads()
        assert capsys.readouterr().out.split() == ["d4", "(head)"]

        stamp(revision="b2")
        history(indicate_current=True)
        assert "a1 -> b2 (current), second" in capsys.readouterr().out
        stamp(revision="base")
        current()
        assert capsys.readouterr().out.strip() == ""


def test_merge_needs_revisions(app: Vial, migrate: Migrate) -> None:
    with app.app_context():
        init()
        with pytest.raises(MigrationError, match="'vial db merge heads'"):
            merge()


def test_sql_mode_prints_instead_of_running(
    app: Vial, db: SQLAlchemy, migrate: Migrate, capsys: pytest.CaptureFixture[str]
) -> None:
    user_table(db)
    with app.app_context():
        init()
        make_migration(rev_id="r1")
        capsys.readouterr()
        upgrade(sql=True)
        out = capsys.readouterr().out
        assert "CREATE TABLE alembic_version" in out
        assert re.search(r'CREATE TABLE "?user"? \(', out)
        assert "user" not in table_names(db)
        # "-1" without a database to read counts from the newest revision.
        downgrade(sql=True)
        out = capsys.readouterr().out
        assert re.search(r'DROP TABLE "?user"?;', out)


def test_edit_opens_the_editor(
    app: Vial, migrate: Migrate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = tmp_path / "opened.txt"
    editor = tmp_path / "editor.py"
    editor.write_text(
        f"import sys\nopen({str(opened)!r}, 'w').write(sys.argv[1])\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    with app.app_context():
        init()
        revision(message="first", rev_id="a1")
        edit(revision="a1")
    assert opened.read_text(encoding="utf-8").endswith("a1_first.py")


def test_no_migrations_folder(app: Vial, migrate: Migrate, migrations: str) -> None:
    with app.app_context():
        for command in (upgrade, current, history, check):
            with pytest.raises(MigrationError) as info:
                command()
            assert str(info.value) == (
                f"There is no migrations folder at {migrations!r}. Create it with"
                " 'vial db init' (init() in code), or name the folder of the"
                " project with --directory."
            )


def test_no_migrations_folder_names_the_command_group(
    app: Vial, db: SQLAlchemy, migrations: str
) -> None:
    Migrate(app, db, directory=migrations, command="schema")
    with app.app_context(), pytest.raises(MigrationError, match="'vial schema init'"):
        upgrade()


def test_unknown_revision(app: Vial, db: SQLAlchemy, migrate: Migrate) -> None:
    with app.app_context():
        init()
        revision(rev_id="a1")
        for command in (upgrade, downgrade, show, stamp):
            with pytest.raises(MigrationError) as info:
                command(revision="nope")
            message = str(info.value)
            assert "'nope'" in message
            assert message.endswith(
                "'vial db history' lists the revisions of the migrations folder."
            )
            assert info.value.__cause__ is not None


def test_directory_argument(
    app: Vial, db: SQLAlchemy, migrate: Migrate, tmp_path: Path
) -> None:
    other = str(tmp_path / "other")
    user_table(db)
    with app.app_context():
        init(directory=other)
        make_migration(directory=other, rev_id="r1")
        upgrade(directory=other)
    assert revision_files(other) == ["r1_.py"]
    assert not os.path.exists(app.extensions["migrate"].directory)


def test_x_arg_reaches_env(
    app: Vial,
    db: SQLAlchemy,
    migrate: Migrate,
    migrations: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with app.app_context():
        init()
    with open(Path(migrations, "env.py"), "a", encoding="utf-8") as env:
        env.write("print('x =', context.get_x_argument(as_dictionary=True))\n")
    seen: list[t.Any] = []

    @migrate.configure
    def remember(config: t.Any) -> t.Any:
        seen.append(config.cmd_opts.x)
        return config

    with app.app_context():
        upgrade(x_arg=["seed=yes", "verbose=1"])
        downgrade(revision="base", x_arg="seed=no")
    assert seen == [["seed=yes", "verbose=1"], ["seed=no"]]
    out = capsys.readouterr().out
    assert "x = {'seed': 'yes', 'verbose': '1'}" in out
    assert "x = {'seed': 'no'}" in out


def test_commands_need_migrate_on_the_app(app: Vial, db: SQLAlchemy) -> None:
    with app.app_context(), pytest.raises(RuntimeError, match=r"Migrate\(app, db\)"):
        upgrade()
