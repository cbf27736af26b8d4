"""The session store in a vial-sqlalchemy table, on SQLite and PostgreSQL."""

from __future__ import annotations

import typing as t
from datetime import timedelta

import pytest
import sqlalchemy as sa
from backends import Backend
from backends import registry_of
from backends import SQLBackend
from test_session_store import make_record

from vial import Vial
from vial_login import SessionStoreError
from vial_login.sqlalchemy_store import SQLAlchemySessionStore
from vial_sqlalchemy import SQLAlchemy

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def db(backend: Backend) -> SQLAlchemy:
    assert isinstance(backend, SQLBackend)
    return backend.db


@pytest.fixture
def app(backend: Backend) -> Vial:
    return backend.make_app()


@pytest.fixture
def store(app: Vial) -> SQLAlchemySessionStore:
    store = registry_of(app).store
    assert isinstance(store, SQLAlchemySessionStore)
    return store


def test_the_table_is_in_the_apps_metadata(
    db: SQLAlchemy, store: SQLAlchemySessionStore, app: Vial
) -> None:
    assert db.metadata.tables["login_sessions"] is store.table
    with app.app_context():
        assert "login_sessions" in sa.inspect(db.engine).get_table_names()
        # Another store on the same db uses the same table.
        assert SQLAlchemySessionStore(db).table is store.table


def test_the_table_name_is_configurable(backend: Backend, db: SQLAlchemy) -> None:
    app = backend.make_app(LOGIN_SESSION_REGISTRY_TABLE="other_sessions")
    store = registry_of(app).store
    assert isinstance(store, SQLAlchemySessionStore)
    assert db.metadata.tables["other_sessions"] is store.table
    record = make_record()
    with app.app_context():
        store.table.create(db.engine)
        try:
            store.add(record)
            assert store.get(record.id) == record
        finally:
            store.table.drop(db.engine)


def test_a_table_of_the_same_name_that_is_not_ours(db: SQLAlchemy) -> None:
    db.Table("taken", sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(RuntimeError, match="LOGIN_SESSION_REGISTRY_TABLE"):
        SQLAlchemySessionStore(db, table_name="taken")


def test_a_bind_the_app_does_not_have(db: SQLAlchemy, app: Vial) -> None:
    store = SQLAlchemySessionStore(db, bind_key="nowhere")
    with (
        app.app_context(),
        pytest.raises(RuntimeError, match="LOGIN_SESSION_REGISTRY_BIND"),
    ):
        store.get("a" * 43)


def test_a_table_that_was_never_created(db: SQLAlchemy, app: Vial) -> None:
    store = SQLAlchemySessionStore(db, table_name="never_created")
    with (
        app.app_context(),
        pytest.raises(SessionStoreError, match=r"db\.create_all\(\)"),
    ):
        store.get("a" * 43)


def test_expired_records_are_purged(store: SQLAlchemySessionStore, app: Vial) -> None:
    live = make_record("a" * 43)
    old = make_record(
        "b" * 43,
        created=live.created - timedelta(days=40),
        last_seen=live.created - timedelta(days=40),
        expires=live.created - timedelta(days=9),
    )
    with app.app_context():
        store.add(old)
        assert store.get(old.id) == old  # the store keeps it; the registry refuses it
        assert store.purge_expired() == 1
        assert store.get(old.id) is None
        store.add(old)
        # Each new login purges what has expired.
        store.add(live)
        assert store.get(old.id) is None
        assert store.get(live.id) == live
        assert store.purge_expired() == 0


def test_the_check_of_a_request_is_one_query(
    store: SQLAlchemySessionStore, app: Vial, db: SQLAlchemy
) -> None:
    record = make_record()
    statements: list[str] = []

    def count(*args: t.Any) -> None:
        statements.append(args[2])

    with app.app_context():
        store.add(record)
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            store.get(record.id)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert "WHERE login_sessions.id =" in statements[0]
