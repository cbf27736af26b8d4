"""The env.py and script.py.mako of the ``vial`` and ``vial-multidb`` templates,
and an env.py written the way Flask-Migrate's reads the app."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import drop_every_table

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import check
from vial_sqlalchemy.migrate import current
from vial_sqlalchemy.migrate import downgrade
from vial_sqlalchemy.migrate import init
from vial_sqlalchemy.migrate import merge
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.migrate import migrate as make_migration
from vial_sqlalchemy.migrate import revision
from vial_sqlalchemy.migrate import upgrade

MakeDB = t.Callable[..., SQLAlchemy]


def revision_path(migrations: str, rev_id: str) -> Path:
    (path,) = Path(migrations, "versions").glob(f"{rev_id}_*.py")
    return path


def write_steps(migrations: str, rev_id: str, upgrade: str, downgrade: str) -> None:
    """Put hand-written steps into the empty revision ``rev_id``."""
    path = revision_path(migrations, rev_id)
    text = path.read_text(encoding="utf-8")
    assert text.count("    pass\n") == 2
    text = text.replace("    pass\n", upgrade, 1).replace("    pass\n", downgrade, 1)
    path.write_text(text, encoding="utf-8")


def rows(engine: sa.engine.Engine, query: str) -> list[tuple[t.Any, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(query))]


def columns(engine: sa.engine.Engine, table: str) -> dict[str, t.Any]:
    return {c["name"]: c["type"] for c in sa.inspect(engine).get_columns(table)}


def test_generated_revision_reads_well(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    with app.app_context():
        init()
        revision(message="first", rev_id="a1")
        revision(message="second", rev_id="b2")
    text = revision_path(migrations, "b2").read_text(encoding="utf-8")
    assert text.startswith('"""second\n\nRevision: b2\nFollows: a1\n')
    assert "revision: str = 'b2'" in text
    assert "down_revision: str | tuple[str, ...] | None = 'a1'" in text
    first = revision_path(migrations, "a1").read_text(encoding="utf-8")
    assert "Follows: nothing, the first revision" in first
    compile(text, "b2.py", "exec")


def test_batch_operations_keep_the_rows(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    sa.Table(
        "member",
        db.metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20)),
        sa.Column("nickname", sa.String(20)),
    )
    with app.app_context():
        init()
        make_migration(rev_id="r1")
        upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                sa.text("INSERT INTO member (name, nickname) VALUES ('ada', 'a')")
            )
        revision(message="reshape", rev_id="r2")
        # ALTERs SQLite cannot run itself: batch mode rebuilds the table there.
        write_steps(
            migrations,
            "r2",
            "    with op.batch_alter_table('member') as batch:\n"
            "        batch.alter_column('name', type_=sa.String(200),"
            " new_column_name='full_name')\n"
            "        batch.drop_column('nickname')\n"
            "        batch.add_column(sa.Column('age', sa.Integer))\n",
            "    with op.batch_alter_table('member') as batch:\n"
            "        batch.drop_column('age')\n"
            "        batch.add_column(sa.Column('nickname', sa.String(20)))\n"
            "        batch.alter_column('full_name', type_=sa.String(20),"
            " new_column_name='name')\n",
        )
        upgrade()
        found = columns(db.engine, "member")
        assert set(found) == {"id", "full_name", "age"}
        assert found["full_name"].length == 200
        assert rows(db.engine, "SELECT id, full_name, age FROM member") == [
            (1, "ada", None)
        ]

        downgrade()
        found = columns(db.engine, "member")
        assert set(found) == {"id", "name", "nickname"}
        assert found["name"].length == 20
        assert rows(db.engine, "SELECT id, name, nickname FROM member") == [
            (1, "ada", None)
        ]


@pytest.fixture
def bound_db(
    app: Vial, make_db: MakeDB, tmp_path: Path, migrations: str
) -> t.Iterator[SQLAlchemy]:
    """A db with a second database, the bind ``audit``, and Migrate on it."""
    app.config["SQLALCHEMY_BINDS"] = {"audit": f"sqlite:///{tmp_path}/audit.db"}
    db = make_db()

    class Member(db.Model):  # type: ignore[name-defined, misc]
        id = db.Column(db.Integer, primary_key=True)

    class Event(db.Model):  # type: ignore[name-defined, misc]
        __bind_key__ = "audit"
        id = db.Column(db.Integer, primary_key=True)
        what = db.Column(db.String(40))

    Migrate(app, db, directory=migrations)
    yield db
    drop_every_table(app)


def test_multidb_migrates_every_bind(
    app: Vial,
    bound_db: SQLAlchemy,
    migrations: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = bound_db
    with app.app_context():
        default, audit = db.engines[None], db.engines["audit"]
        init(multidb=True)
        make_migration(message="start", rev_id="r1")
        text = revision_path(migrations, "r1").read_text(encoding="utf-8")
        assert "def upgrade_() -> None:" in text
        assert "def upgrade_audit() -> None:" in text
        upgrade()
        assert {"member", "alembic_version"} <= set(
            sa.inspect(default).get_table_names()
        )
        assert "event" not in sa.inspect(default).get_table_names()
        assert set(sa.inspect(audit).get_table_names()) == {"event", "alembic_version"}
        assert rows(audit, "SELECT version_num FROM alembic_version") == [("r1",)]
        check()

        # A change in one bind only.
        db.metadatas["audit"].tables["event"].append_column(sa.Column("at", sa.Integer))
        make_migration(message="when", rev_id="r2")
        text = revision_path(migrations, "r2").read_text(encoding="utf-8")
        assert "batch_op.add_column(sa.Column('at'" in text
        upgrade()
        assert set(columns(audit, "event")) == {"id", "what", "at"}
        capsys.readouterr()
        current()
        assert capsys.readouterr().out.split() == ["r2", "(head)", "r2", "(head)"]

        downgrade(revision="base")
        assert set(sa.inspect(audit).get_table_names()) == {"alembic_version"}
        assert "member" not in sa.inspect(default).get_table_names()


def test_multidb_no_change_writes_nothing(
    app: Vial, bound_db: SQLAlchemy, migrations: str
) -> None:
    with app.app_context():
        init(multidb=True)
        make_migration(rev_id="r1")
        upgrade()
        make_migration(rev_id="r2")
    assert [p.name for p in Path(migrations, "versions").glob("*.py")] == ["r1_.py"]


def test_multidb_fails_as_a_whole(
    app: Vial, bound_db: SQLAlchemy, migrations: str
) -> None:
    db = bound_db
    with app.app_context():
        init(multidb=True)
        make_migration(rev_id="r1")
        revision(rev_id="r2")
        # The default database migrates, then the bind fails.
        path = revision_path(migrations, "r2")
        text = path.read_text(encoding="utf-8")
        text = text.replace(
            'def upgrade_audit() -> None:\n    """Apply this revision to the bind'
            ' \'audit\'."""\n    pass\n',
            "def upgrade_audit() -> None:\n    raise RuntimeError('boom')\n",
        )
        path.write_text(text, encoding="utf-8")
        upgrade(revision="r1")
        with pytest.raises(RuntimeError, match="boom"):
            upgrade()
        versions = "SELECT version_num FROM alembic_version"
        # Neither database recorded r2.
        assert rows(db.engines[None], versions) == [("r1",)]
        assert rows(db.engines["audit"], versions) == [("r1",)]


def test_multidb_merge_writes_every_bind(
    app: Vial, bound_db: SQLAlchemy, migrations: str
) -> None:
    with app.app_context():
        init(multidb=True)
        revision(rev_id="a1")
        revision(rev_id="b2")
        revision(rev_id="c3", head="a1", splice=True)
        merge(revisions="heads", rev_id="d4")
        upgrade()
    text = revision_path(migrations, "d4").read_text(encoding="utf-8")
    assert "def upgrade_audit() -> None:" in text
    assert "down_revision: str | tuple[str, ...] | None = ('b2', 'c3')" in text


def test_multidb_sql_mode(
    app: Vial, bound_db: SQLAlchemy, capsys: pytest.CaptureFixture[str]
) -> None:
    with app.app_context():
        init(multidb=True)
        make_migration(rev_id="r1")
        capsys.readouterr()
        upgrade(sql=True)
    out = capsys.readouterr().out
    default_part, audit_part = out.split("-- the bind 'audit'")
    assert default_part.startswith("-- the default database\n")
    assert "CREATE TABLE member" in default_part
    assert "CREATE TABLE event" in audit_part


#: An env.py that reads the app the way Flask-Migrate 4's generated env.py
#: does: the deprecated db.get_engine(), .configure_args, .metadata.
FLASK_MIGRATE_STYLE_ENV = """\
from alembic import context
from vial import current_app

state = current_app.extensions["migrate"]
assert state.migrate.directory == state.directory
engine = state.db.get_engine()
with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=state.metadata,
        **state.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()
"""


def test_env_written_for_flask_migrate(
    app: Vial, db: SQLAlchemy, migrate: Migrate, migrations: str
) -> None:
    sa.Table("member", db.metadata, sa.Column("id", sa.Integer, primary_key=True))
    with app.app_context():
        init()
        Path(migrations, "env.py").write_text(FLASK_MIGRATE_STYLE_ENV, encoding="utf-8")
        with pytest.deprecated_call(match=r"get_engine\(\) is deprecated"):
            make_migration(rev_id="r1")
        with pytest.deprecated_call():
            upgrade()
        assert "member" in sa.inspect(db.engine).get_table_names()
