"""The SQLAlchemy datastore and model mixins, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from support import db
from support import make_app
from support import User

from vial import Vial
from vial_accounts import DuplicateEmailError
from vial_accounts import get_datastore
from vial_accounts import InvalidEmailError
from vial_accounts import UserDatastore
from vial_accounts.sqlalchemy import declare_counter_table
from vial_accounts.sqlalchemy import SQLAlchemyUserDatastore
from vial_accounts.sqlalchemy import UTCDateTime


@pytest.fixture
def sql_app(database_url: str, tmp_path: Path) -> Vial:
    """The test app on SQLite, then on PostgreSQL."""
    return make_app(database_url, tmp_path / "instance")


def test_it_is_a_user_datastore(sql_app: Vial) -> None:
    assert isinstance(get_datastore(sql_app), UserDatastore)
    assert isinstance(get_datastore(sql_app), SQLAlchemyUserDatastore)
    assert repr(get_datastore(sql_app)) == "<SQLAlchemyUserDatastore User Role>"


def test_the_tables(sql_app: Vial) -> None:
    with sql_app.app_context():
        names = set(sa.inspect(db.engine).get_table_names())
    assert {"user", "role", "user_roles", "accounts_counter"} <= names
    assert "roles" in sa.inspect(User).attrs


def test_users_are_created_found_and_stored_normalised(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        user = datastore.create_user(email="  Ann@EXAMPLE.com ", password="hash")
        datastore.commit()
        assert user.id is not None
        assert user.email == "ann@example.com"
        assert user.active is True
        assert len(user.fs_uniquifier) >= 40
        assert user.login_count == 0
        assert user.get_id() == user.fs_uniquifier
        for lookup in (
            {"email": "ANN@example.com"},
            {"fs_uniquifier": user.fs_uniquifier},
            {"id": str(user.id)},
            {"id": user.id, "active": True},
        ):
            assert datastore.find_user(**lookup) is user, lookup
        assert datastore.find_user("ann@EXAMPLE.COM") is user
        assert datastore.find_user(email="not an address") is None
        assert datastore.find_user(id="seven") is None
        assert datastore.find_user(email="bob@example.com") is None
        with pytest.raises(AttributeError, match="no 'nickname' column"):
            datastore.find_user(nickname="ann")
        with pytest.raises(TypeError, match="needs what to look for"):
            datastore.find_user()


def test_assigning_an_email_normalises_it(sql_app: Vial) -> None:
    with sql_app.app_context():
        user = User(email=" Bob@Example.COM", fs_uniquifier="u")
        assert user.email == "bob@example.com"
        with pytest.raises(InvalidEmailError):
            user.email = "no at sign"


def test_a_taken_address_is_refused(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        datastore.create_user(email="ann@example.com")
        datastore.commit()
        with pytest.raises(DuplicateEmailError):
            datastore.create_user(email="ANN@example.com")


def test_the_unique_constraint_decides_a_race(sql_app: Vial) -> None:
    """Two requests both find the address free, then both insert it: one
    user is stored, and the other request gets DuplicateEmailError."""
    datastore = t.cast(SQLAlchemyUserDatastore, get_datastore(sql_app))
    original = SQLAlchemyUserDatastore.find_user
    checked = threading.Barrier(2)
    outcomes: list[str] = []

    def racing_find_user(
        self: t.Any, identifier: t.Any = None, /, **attrs: t.Any
    ) -> t.Any:
        found = original(self, identifier, **attrs)
        if threading.current_thread().name.startswith("racer") and not getattr(
            threading.current_thread(), "checked", False
        ):
            threading.current_thread().checked = True  # type: ignore[attr-defined]
            checked.wait(10)  # both have seen the address free
        return found

    def register() -> None:
        with sql_app.app_context():
            try:
                datastore.create_user(email="race@example.com")
                datastore.commit()
                outcomes.append("created")
            except DuplicateEmailError:
                outcomes.append("duplicate")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SQLAlchemyUserDatastore, "find_user", racing_find_user)
        threads = [
            threading.Thread(target=register, name=f"racer{i}") for i in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    assert sorted(outcomes) == ["created", "duplicate"]
    with sql_app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.email == "race@example.com")
        )
    assert count == 1


def test_roles_by_name_or_object(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        admin = datastore.create_role("admin", "Runs the site.", ["users.manage"])
        assert datastore.find_or_create_role("admin") is admin
        editor = datastore.find_or_create_role("editor", description="Writes.")
        user = datastore.create_user(email="ann@example.com", roles=["admin"])
        datastore.commit()
        assert [r.name for r in datastore.get_user_roles(user)] == ["admin"]
        assert datastore.add_role_to_user(user, editor) is True
        assert datastore.add_role_to_user(user, "editor") is False
        assert datastore.remove_role_from_user(user, "admin") is True
        assert datastore.remove_role_from_user(user, admin) is False
        datastore.commit()
        assert [r.name for r in datastore.get_user_roles(user)] == ["editor"]
        assert user.has_role("editor")
        assert not user.has_role("admin")
        with pytest.raises(LookupError, match="no role named 'ghost'"):
            datastore.add_role_to_user(user, "ghost")
        with pytest.raises(LookupError):
            datastore.create_user(email="bob@example.com", roles=["ghost"])


def test_activate_deactivate_uniquifier_delete(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        user = datastore.create_user(email="ann@example.com", roles=[])
        datastore.commit()
        assert datastore.activate_user(user) is False
        assert datastore.deactivate_user(user) is True
        assert datastore.deactivate_user(user) is False
        old = user.fs_uniquifier
        datastore.set_uniquifier(user)
        datastore.commit()
        assert user.fs_uniquifier != old
        assert datastore.find_user(fs_uniquifier=old) is None
        datastore.set_uniquifier(user, "chosen")
        datastore.commit()
        assert datastore.find_user(fs_uniquifier="chosen") is user
        assert user.is_active is False
        assert datastore.activate_user(user) is True
        datastore.create_role("admin")
        datastore.add_role_to_user(user, "admin")
        datastore.commit()
        datastore.delete_user(user)
        datastore.commit()
        assert datastore.find_user(email="ann@example.com") is None
        assert datastore.list_users() == []


def test_list_users_is_ordered_by_address(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        for email in ("carl@example.com", "ann@example.com", "bob@example.com"):
            datastore.create_user(email=email)
        datastore.commit()
        assert [u.email for u in datastore.list_users()] == [
            "ann@example.com",
            "bob@example.com",
            "carl@example.com",
        ]


def test_times_come_back_in_utc(sql_app: Vial) -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    with sql_app.app_context():
        datastore = get_datastore()
        datastore.create_user(email="ann@example.com", confirmed_at=moment)
        datastore.commit()
    with sql_app.app_context():
        user = get_datastore().find_user(email="ann@example.com")
        assert user.confirmed_at == moment
        assert user.confirmed_at.tzinfo == timezone.utc
        assert user.last_login_at is None
    decorator = UTCDateTime()
    dialect = sa.create_engine("sqlite://").dialect
    naive = datetime(2026, 1, 1, 12, 0)
    assert decorator.process_bind_param(naive, dialect) == naive
    assert decorator.process_result_value(naive, dialect) == naive.replace(
        tzinfo=timezone.utc
    )


def test_counters_count_in_fixed_windows(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        assert datastore.peek_counter("k", 1000.0, 60) is None
        assert datastore.hit_counter("k", 1000.0, 60) == (1, 1000.0, 1000.0)
        assert datastore.hit_counter("k", 1010.5, 60) == (2, 1000.0, 1010.5)
        assert datastore.peek_counter("k", 1020.0, 60) == (2, 1000.0, 1010.5)
        assert datastore.peek_counter("k", 1060.0, 60) is None
        assert datastore.hit_counter("k", 1060.0, 60) == (1, 1060.0, 1060.0)
        datastore.reset_counter("k")
        assert datastore.peek_counter("k", 1061.0, 60) is None
        # Keys are apart.
        datastore.hit_counter("a", 1.0, 60)
        assert datastore.hit_counter("b", 1.0, 60).hits == 1


def test_counters_commit_at_once_whatever_the_session_does(sql_app: Vial) -> None:
    with sql_app.app_context():
        datastore = get_datastore()
        datastore.hit_counter("k", 1000.0, 60)
        datastore.rollback()
    with sql_app.app_context():
        assert get_datastore().peek_counter("k", 1001.0, 60) is not None


def test_concurrent_hits_are_all_counted(sql_app: Vial) -> None:
    datastore = get_datastore(sql_app)
    start = threading.Barrier(4)

    def hit() -> None:
        with sql_app.app_context():
            start.wait(10)
            for _ in range(10):
                datastore.hit_counter("busy", 1000.0, 600)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with sql_app.app_context():
        counter = datastore.peek_counter("busy", 1001.0, 600)
    assert counter is not None
    assert counter.hits == 40


def test_other_databases_lock_the_counter_row(tmp_path: Path) -> None:
    """Databases without ON CONFLICT get a locked read and an update."""
    app = make_app(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "instance")
    datastore = t.cast(SQLAlchemyUserDatastore, get_datastore(app))
    with app.app_context(), datastore._engine().begin() as connection:
        assert datastore._locked_hit(connection, "k", 100.0, 60) == (1, 100.0, 100.0)
        assert datastore._locked_hit(connection, "k", 110.0, 60) == (2, 100.0, 110.0)
        assert datastore._locked_hit(connection, "k", 200.0, 60) == (1, 200.0, 200.0)


def test_expired_counters_are_purged(
    sql_app: Vial, monkeypatch: pytest.MonkeyPatch
) -> None:
    import vial_accounts.sqlalchemy as module

    monkeypatch.setattr(module, "PURGE_EVERY", 3)
    with sql_app.app_context():
        datastore = get_datastore()
        datastore.hit_counter("old", 0.0, 10)
        datastore.hit_counter("new", 100.0, 10)
        datastore.hit_counter("new", 101.0, 10)  # the third write purges
        table = t.cast(SQLAlchemyUserDatastore, datastore).counters
        with db.engine.connect() as connection:
            keys = set(connection.scalars(sa.select(table.c.key)))
    assert keys == {"new"}


def test_the_counter_table_is_declared_once() -> None:
    metadata = sa.MetaData()
    first = declare_counter_table(metadata)
    assert declare_counter_table(metadata) is first
    assert {c.name for c in first.columns} == {
        "key",
        "count",
        "first_at",
        "last_at",
        "expires_at",
    }


def test_models_with_roles_declared_already(tmp_path: Path) -> None:
    from vial_accounts.sqlalchemy import RoleModelMixin
    from vial_accounts.sqlalchemy import UserModelMixin
    from vial_roles.sqlalchemy import define_user_roles
    from vial_sqlalchemy import SQLAlchemy

    other = SQLAlchemy()

    class OtherRole(other.Model, RoleModelMixin):  # type: ignore[name-defined,misc]
        __tablename__ = "other_role"

    class OtherUser(other.Model, UserModelMixin):  # type: ignore[name-defined,misc]
        __tablename__ = "other_user"

    table = define_user_roles(OtherUser, OtherRole, table_name="other_user_roles")
    datastore = SQLAlchemyUserDatastore(other, OtherUser, OtherRole, counter_table="c2")
    assert OtherUser.__table__.metadata.tables["other_user_roles"] is table
    assert datastore.counters.name == "c2"
