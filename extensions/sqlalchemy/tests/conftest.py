"""Fixtures: an ``app`` on each database backend, and ``db`` objects cleaned up.

Every test that takes ``app`` (or ``db``) runs on an in-memory SQLite
database, and again on PostgreSQL when ``VIAL_TEST_DATABASE_URL`` is set.
On PostgreSQL the whole run works in a schema of its own
(``vial_sqlalchemy_test_<pid>``), dropped at the end, so runs of this suite
and other suites sharing the server never see each other's tables. A server
that cannot be reached fails the tests; it never skips them.
"""

from __future__ import annotations

import os
import typing as t

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from vial import Vial
from vial_sqlalchemy import SQLAlchemy

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
BACKENDS = ["sqlite"]
if os.environ.get(DATABASE_URL_VARIABLE):
    BACKENDS.append("postgresql")


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[URL]:
    """The test server's URL, with a schema of this run first on the search path."""
    url = make_url(os.environ[DATABASE_URL_VARIABLE])
    schema = f"vial_sqlalchemy_test_{os.getpid()}"
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as e:
        engine.dispose()
        pytest.fail(
            f"{DATABASE_URL_VARIABLE} is set to {url!r}, but that PostgreSQL server"
            f" cannot be reached: {e}. Start the server, or unset the variable to"
            " test on SQLite only.",
            pytrace=False,
        )
    yield url.update_query_dict({"options": f"-csearch_path={schema}"})
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """The default database of the ``app`` fixture, once per backend."""
    if request.param == "sqlite":
        return "sqlite://"
    url: URL = request.getfixturevalue("postgresql_url")
    return url.render_as_string(hide_password=False)


@pytest.fixture
def app(database_url: str, tmp_path: t.Any) -> Vial:
    """A fresh app in testing mode on the backend's database."""
    app = Vial("vial_sqlalchemy_test", instance_path=str(tmp_path / "instance"))
    app.config.update(
        TESTING=True,
        SECRET_KEY="test key",
        SQLALCHEMY_DATABASE_URI=database_url,
    )
    return app


@pytest.fixture
def make_db(app: Vial) -> t.Iterator[t.Callable[..., SQLAlchemy]]:
    """Create ``SQLAlchemy(app, **kwargs)`` objects; their tables are dropped
    and their engines closed after the test."""
    created: list[tuple[SQLAlchemy, Vial]] = []

    def make_db(app: Vial | None = None, **kwargs: t.Any) -> SQLAlchemy:
        target = app if app is not None else default_app
        db = SQLAlchemy(target, **kwargs)
        created.append((db, target))
        return db

    default_app = app
    yield make_db
    for db, target in created:
        engines = target.extensions["sqlalchemy"].engines
        with target.app_context():
            # Only the binds this app has engines for; a test may declare
            # models of binds it never configures.
            db.drop_all(bind_key=[key for key in db.metadatas if key in engines])
        for engine in engines.values():
            engine.dispose()


@pytest.fixture
def db(make_db: t.Callable[..., SQLAlchemy]) -> SQLAlchemy:
    """``SQLAlchemy(app)`` on the ``app`` fixture."""
    return make_db()
