"""The SQLAlchemy models and datastore, on SQLite and on PostgreSQL.

Each test runs on a SQLite file, and again on PostgreSQL when
``VIAL_TEST_DATABASE_URL`` is set. Unset, conftest.py marks the PostgreSQL
runs skipped, with one reason naming the variable; with ``VIAL_CI=1`` a
missing or unreachable server fails them instead. (pytest folds marked
skips into one summary line only for tests without mark decorators, so the
tests here loop over their cases instead of using ``parametrize``.) On
PostgreSQL the run works in a schema of its own, dropped at the end.
"""

from __future__ import annotations

import os
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
import sqlalchemy as sa
import sqlalchemy.orm as sa_orm
from sqla_support import db
from sqla_support import make_sql_app
from sqla_support import Role
from sqla_support import User
from sqla_support import user_roles
from support import JSON
from support import log_in

from vial import Vial
from vial_roles import create_role
from vial_roles import get_datastore
from vial_roles import grant_role
from vial_roles import revoke_role
from vial_roles import RoleDatastore
from vial_roles.sqlalchemy import define_user_roles
from vial_roles.sqlalchemy import PermissionSet
from vial_roles.sqlalchemy import RoleModelMixin
from vial_roles.sqlalchemy import SQLAlchemyDatastore
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.testing import temporary_schema

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[str]:
    """The test server's URL, with a schema of this run on the search path."""
    raw = os.environ.get(DATABASE_URL_VARIABLE)
    if not raw:
        if os.environ.get("VIAL_CI") == "1":
            pytest.fail(
                f"{DATABASE_URL_VARIABLE} is not set, and VIAL_CI=1 makes the"
                " PostgreSQL tests required. Set it to a PostgreSQL URL such as"
                " postgresql+psycopg://postgres@127.0.0.1:5432/test.",
                pytrace=False,
            )
        # conftest.py marks these tests skipped before they get here.
        pytest.skip(f"{DATABASE_URL_VARIABLE} is not set")
    with temporary_schema(raw, f"vial_roles_test_{os.getpid()}") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database two apps can share: a SQLite file, or the PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'roles.db'}"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture
def make_app(database_url: str) -> t.Iterator[t.Callable[[str], Vial]]:
    """Make apps on the test database; the tables are created with the first
    and dropped at the end, and every engine is closed."""
    apps: list[Vial] = []

    def make(name: str = "sql_roles") -> Vial:
        app = make_sql_app(database_url, name)
        if not apps:
            with app.app_context():
                db.create_all()
                ann = User(email="ann@example.com")
                eve = User(email="eve@example.com")
                bob = User(email="bob@example.com")
                db.session.add_all([ann, eve, bob])
                admin = Role(
                    name="admin",
                    description="Runs the site.",
                    permissions=frozenset({"users.manage", "posts.edit"}),
                )
                editor = Role(name="editor", permissions=frozenset({"posts.edit"}))
                db.session.add_all([admin, editor, Role(name="viewer")])
                ann.roles.append(admin)
                eve.roles.append(editor)
                db.session.commit()
        apps.append(app)
        return app

    yield make
    if apps:
        with apps[0].app_context():
            db.drop_all()
    for app in apps:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app(make_app: t.Callable[[str], Vial]) -> Vial:
    return make_app("sql_roles")


def _user(email: str) -> User:
    return db.session.execute(sa.select(User).filter_by(email=email)).scalar_one()


def test_association_table() -> None:
    assert user_roles.name == "user_roles"
    assert user_roles.metadata is User.__table__.metadata
    assert [c.name for c in user_roles.primary_key] == ["user_id", "role_id"]
    user_fk = next(iter(user_roles.c.user_id.foreign_keys))
    role_fk = next(iter(user_roles.c.role_id.foreign_keys))
    assert user_fk.column is User.__table__.c.id
    assert role_fk.column is Role.__table__.c.id
    assert user_fk.ondelete == role_fk.ondelete == "CASCADE"
    relationship = sa.inspect(User).relationships["roles"]
    assert relationship.secondary is user_roles
    assert relationship.mapper.class_ is Role


def test_role_columns() -> None:
    columns = Role.__table__.c
    assert set(columns.keys()) == {"id", "name", "description", "permissions"}
    assert columns.name.unique
    assert columns.name.type.length == 80
    assert isinstance(columns.permissions.type, PermissionSet)


def test_models_round_trip(app: Vial) -> None:
    with app.app_context():
        ann = _user("ann@example.com")
        assert [role.name for role in ann.roles] == ["admin"]
        admin = ann.roles[0]
        assert admin.permissions == frozenset({"users.manage", "posts.edit"})
        assert admin.description == "Runs the site."
        assert admin.has_permission("users.manage")
        stored = db.session.execute(
            sa.text("SELECT permissions FROM role WHERE name = 'admin'")
        ).scalar_one()
        assert stored == "posts.edit,users.manage"
        viewer = db.session.execute(
            sa.select(Role).filter_by(name="viewer")
        ).scalar_one()
        assert viewer.permissions == frozenset()
        assert viewer.description == ""
        # Changing the set is seen by SQLAlchemy when a new set is assigned.
        viewer.permissions = viewer.permissions | {"posts.read"}
        db.session.commit()
    with app.app_context():
        viewer = db.session.execute(
            sa.select(Role).filter_by(name="viewer")
        ).scalar_one()
        assert viewer.permissions == frozenset({"posts.read"})


def test_role_names_are_unique(app: Vial) -> None:
    with app.app_context():
        db.session.add(Role(name="admin"))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_invalid_permission_names_are_not_stored(app: Vial) -> None:
    with app.app_context():
        db.session.add(Role(name="odd", permissions=frozenset({"a,b"})))
        with pytest.raises(sa.exc.StatementError, match=r"permission name 'a,b'"):
            db.session.commit()
        db.session.rollback()


def test_deleting_a_user_deletes_their_grants(app: Vial) -> None:
    with app.app_context():
        db.session.delete(_user("ann@example.com"))
        db.session.commit()
        count = db.session.execute(
            sa.select(sa.func.count()).select_from(user_roles)
        ).scalar_one()
        assert count == 1  # eve's


def test_datastore(app: Vial) -> None:
    with app.app_context():
        store = get_datastore()
        assert isinstance(store, SQLAlchemyDatastore)
        assert isinstance(store, RoleDatastore)
        assert repr(store) == "<SQLAlchemyDatastore User Role by 'email'>"
        ann = store.find_user("ann@example.com")
        assert ann is _user("ann@example.com")
        assert store.find_user("nobody@example.com") is None
        admin = store.find_role("admin")
        assert admin is not None
        assert store.find_role("root") is None
        assert [role.name for role in store.list_roles()] == [
            "admin",
            "editor",
            "viewer",
        ]
        assert store.get_user_roles(ann) == [admin]
        editor = store.find_role("editor")
        assert editor is not None
        assert store.add_role_to_user(ann, editor)
        assert not store.add_role_to_user(ann, editor)
        assert store.get_user_roles(ann) == [admin, editor]
        store.commit()
    with app.app_context():
        store = get_datastore()
        ann = store.find_user("ann@example.com")
        assert ann is not None
        assert [role.name for role in store.get_user_roles(ann)] == ["admin", "editor"]
        editor = store.find_role("editor")
        assert editor is not None
        assert store.remove_role_from_user(ann, editor)
        assert not store.remove_role_from_user(ann, editor)
        store.commit()
        assert [role.name for role in ann.roles] == ["admin"]


def test_find_user_by_another_identifier(app: Vial) -> None:
    store = SQLAlchemyDatastore(db, User, Role, identifier="id")
    with app.app_context():
        ann = _user("ann@example.com")
        assert store.find_user(str(ann.id)) is ann
        assert store.find_user("not a number") is None
        assert store.find_user("999999") is None


def test_identifier_must_exist() -> None:
    with pytest.raises(AttributeError, match=r"no 'username' attribute"):
        SQLAlchemyDatastore(db, User, Role, identifier="username")


def test_roles_of_new_and_detached_users(app: Vial) -> None:
    with app.app_context():
        store = get_datastore()
        new = User(email="new@example.com")
        assert store.get_user_roles(new) == []  # transient: no roles
        db.session.add(new)
        assert store.get_user_roles(new) == []  # pending: flushed, none yet
        assert grant_role(new, "viewer")
        eve = _user("eve@example.com")
    # eve is detached now; her roles are still read from the database.
    with app.app_context():
        store = get_datastore()
        assert [role.name for role in store.get_user_roles(eve)] == ["editor"]
        assert grant_role(eve, "viewer")
        assert [role.name for role in _user("eve@example.com").roles] == [
            "editor",
            "viewer",
        ]
        assert [r.name for r in store.get_user_roles(_user("new@example.com"))] == [
            "viewer"
        ]


def test_unsaved_users_cannot_get_roles(app: Vial) -> None:
    with (
        app.app_context(),
        pytest.raises(ValueError, match=r"not stored in the database"),
    ):
        grant_role(User(email="ghost@example.com"), "admin")


def test_management_functions(app: Vial) -> None:
    with app.app_context():
        role = create_role("auditor", "Reads logs.", "logs.read")
        assert role.permissions == frozenset({"logs.read"})
        with pytest.raises(ValueError, match=r"exists already"):
            create_role("auditor")
    with app.app_context():
        bob = _user("bob@example.com")
        assert grant_role(bob, "auditor")
    with app.app_context():
        bob = _user("bob@example.com")
        assert bob.has_permission("logs.read")
        assert revoke_role(bob, "auditor")
        assert not bob.has_role("auditor")


def test_views(app: Vial) -> None:
    for name, admin, write in [("ann", 200, 200), ("eve", 403, 200), ("bob", 403, 403)]:
        client = app.test_client()
        assert client.get("/admin", headers=JSON).status_code == 401
        log_in(client, f"{name}@example.com")
        assert client.get("/admin").status_code == admin, name
        assert client.get("/write").status_code == write, name


def test_templates(app: Vial) -> None:
    client = app.test_client()
    assert client.get("/badge").get_data(as_text=True) == "False False"
    log_in(client, "ann@example.com")
    assert client.get("/badge").get_data(as_text=True) == "True True"


def test_revocation_reaches_another_app_instance(
    make_app: t.Callable[[str], Vial],
) -> None:
    # Two app instances with their own engines on one database, like two
    # worker processes: a role revoked through one is gone in the other.
    first, second = make_app("first"), make_app("second")
    browser = second.test_client()
    log_in(browser, "ann@example.com")
    assert browser.get("/admin").status_code == 200
    with first.app_context():
        assert revoke_role(_user("ann@example.com"), "admin")
    assert browser.get("/admin").status_code == 403
    assert browser.get("/badge").get_data(as_text=True) == "False False"
    with first.app_context():
        assert grant_role(_user("ann@example.com"), "admin")
    assert browser.get("/admin").status_code == 200


def test_revocation_by_the_cli_in_another_process(
    app: Vial, database_url: str, tmp_path: Path
) -> None:
    (tmp_path / "roles_app.py").write_text(
        "import os\n"
        "from sqla_support import make_sql_app\n"
        "app = make_sql_app(os.environ['ROLES_TEST_DATABASE'])\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(TESTS)]),
        "ROLES_TEST_DATABASE": database_url,
    }

    def vial(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "vial", "--app", "roles_app:app", "roles", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    browser = app.test_client()
    log_in(browser, "eve@example.com")
    assert browser.get("/admin").status_code == 403

    added = vial("add", "eve@example.com", "admin")
    assert added.returncode == 0, added.stderr
    assert browser.get("/admin").status_code == 200

    removed = vial("remove", "eve@example.com", "admin")
    assert removed.returncode == 0, removed.stderr
    assert browser.get("/admin").status_code == 403

    unknown = vial("add", "nobody@example.com", "admin")
    assert unknown.returncode == 1
    assert "No user has the email 'nobody@example.com'" in unknown.stderr


def test_define_user_roles_refuses_a_second_call() -> None:
    with pytest.raises(TypeError, match=r"already has a 'roles' attribute"):
        define_user_roles(User, Role)


def test_define_user_roles_options_and_errors() -> None:
    other = SQLAlchemy()

    class Group(other.Model, RoleModelMixin):  # type: ignore[name-defined, misc]
        __tablename__ = "groups"

    class Member(other.Model):  # type: ignore[name-defined, misc]
        name: sa_orm.Mapped[str] = sa_orm.mapped_column(primary_key=True)

    class Pair(other.Model):  # type: ignore[name-defined, misc]
        a: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)
        b: sa_orm.Mapped[int] = sa_orm.mapped_column(primary_key=True)

    table = define_user_roles(Member, Group, table_name="member_groups")
    assert table.name == "member_groups"
    assert table.metadata is other.metadata
    assert next(iter(table.c.user_id.foreign_keys)).column is Member.__table__.c.name
    with pytest.raises(TypeError, match=r"Pair has 2 primary key columns"):
        define_user_roles(Pair, Group)
