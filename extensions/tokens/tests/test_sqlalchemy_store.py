"""The SQLAlchemy token store, on SQLite and on PostgreSQL.

PostgreSQL runs when ``VIAL_TEST_DATABASE_URL`` is set, in a schema of this
run's own that is dropped at the end. Unset, one test says so by skipping;
with ``VIAL_CI=1`` that test fails instead, and an unreachable server fails.
"""

from __future__ import annotations

import os
import typing as t
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from sqlalchemy.pool import StaticPool
from support import bearer
from support import UserStore

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.testing import temporary_schema
from vial_tokens import TokenAuth
from vial_tokens.sqlalchemy_store import SQLAlchemyTokenStore
from vial_tokens.store import hash_secret
from vial_tokens.store import TokenRecord
from vial_tokens.store import utcnow

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
BACKENDS = ["sqlite"]
if os.environ.get(DATABASE_URL_VARIABLE):
    BACKENDS.append("postgresql")


def test_postgresql_is_configured() -> None:
    if os.environ.get(DATABASE_URL_VARIABLE):
        return
    message = (
        f"{DATABASE_URL_VARIABLE} is not set, so the token store is tested on"
        " SQLite only; set it to a PostgreSQL URL to test there too."
    )
    if os.environ.get("VIAL_CI") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[str]:
    """The server's URL, with a schema of this run first on the search path."""
    raw = os.environ[DATABASE_URL_VARIABLE]
    with temporary_schema(raw, f"vial_tokens_test_{os.getpid()}") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return "sqlite://"
    url: str = request.getfixturevalue("postgresql_url")
    return url


@pytest.fixture
def engine(database_url: str) -> t.Iterator[sa.Engine]:
    if database_url == "sqlite://":
        engine = sa.create_engine(database_url, poolclass=StaticPool)
    else:
        engine = sa.create_engine(database_url, poolclass=NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def store(engine: sa.Engine) -> t.Iterator[SQLAlchemyTokenStore]:
    store = SQLAlchemyTokenStore(engine, table_name="api_tokens")
    store.create_table()
    yield store
    store.drop_table()


def record(token_id: str, user_key: str = "u1", **kwargs: t.Any) -> TokenRecord:
    return TokenRecord(
        id=token_id,
        user_key=user_key,
        token_hash=hash_secret("s" * 64),
        name=kwargs.pop("name", ""),
        created_at=kwargs.pop("created_at", utcnow()),
        **kwargs,
    )


def test_add_and_get(store: SQLAlchemyTokenStore) -> None:
    now = utcnow().replace(microsecond=0)
    added = record(
        "a" * 16, name="laptop", created_at=now, expires_at=now + timedelta(days=1)
    )
    store.add(added)
    assert store.get("a" * 16) == added
    assert store.get("b" * 16) is None
    got = store.get("a" * 16)
    assert got is not None
    assert got.created_at.tzinfo is not None  # aware, whatever the backend


def test_a_duplicate_id_is_refused(store: SQLAlchemyTokenStore) -> None:
    store.add(record("a" * 16))
    with pytest.raises(sa.exc.IntegrityError):
        store.add(record("a" * 16))


def test_touch_revoke_list_and_purge(store: SQLAlchemyTokenStore) -> None:
    now = utcnow().replace(microsecond=0)
    store.add(record("a" * 16, created_at=now - timedelta(seconds=2)))
    store.add(record("b" * 16, created_at=now - timedelta(seconds=1)))
    store.add(record("c" * 16, user_key="u2", expires_at=now - timedelta(days=3)))
    store.touch("a" * 16, now)
    assert store.get("a" * 16).last_used_at == now  # type: ignore[union-attr]
    assert [r.id for r in store.for_user("u1")] == ["b" * 16, "a" * 16]
    assert store.revoke("a" * 16, now)
    assert not store.revoke("a" * 16, now)
    assert not store.revoke("d" * 16, now)
    assert store.revoke_user("u1", now) == ["b" * 16]
    assert store.revoke_user("u1", now) == []
    assert store.get("b" * 16).revoked_at == now  # type: ignore[union-attr]
    assert store.purge(now - timedelta(days=1)) == 1  # c expired 3 days ago
    assert store.purge(now + timedelta(seconds=1)) == 2
    assert store.for_user("u1") == []


def test_a_bind_function_and_an_own_metadata(engine: sa.Engine) -> None:
    metadata = sa.MetaData()
    store = SQLAlchemyTokenStore(lambda: engine, metadata=metadata, table_name="t2")
    assert "t2" in metadata.tables
    metadata.create_all(engine)
    try:
        store.add(record("a" * 16))
        assert store.get("a" * 16) is not None
    finally:
        metadata.drop_all(engine)


def test_an_unusable_bind_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="vial-sqlalchemy"):
        SQLAlchemyTokenStore("sqlite://")  # type: ignore[arg-type]


def test_with_vial_sqlalchemy(database_url: str, users: UserStore) -> None:
    app = Vial("tokens_db")
    app.config.update(
        SECRET_KEY="k", SQLALCHEMY_DATABASE_URI=database_url, TESTING=True
    )
    db = SQLAlchemy(app)
    store = SQLAlchemyTokenStore(db)
    assert store.table.metadata is db.metadata
    tokens = TokenAuth(app, store=store)
    tokens.user_loader(users.by_alt_id)

    @app.get("/me")
    @tokens.login_required
    def me() -> str:
        return str(tokens.current_user().name)

    alice = users.users["alice"]
    with app.app_context():
        db.create_all()
    try:
        with app.app_context():
            issued = tokens.issue_opaque_token(alice, name="ci")
        client = app.test_client()
        assert client.get("/me", headers=bearer(issued.token)).text == "alice"
        with app.app_context():
            (listed,) = tokens.list_tokens(alice)
            assert listed.name == "ci"
            assert listed.last_used_at is not None
            assert tokens.revoke_token(listed.id)
        assert client.get("/me", headers=bearer(issued.token)).status_code == 401
    finally:
        with app.app_context():
            db.drop_all()
            db.engine.dispose()
