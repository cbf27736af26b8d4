"""Fixtures: an ``app`` on each database backend, and ``db`` objects cleaned up.

Every test that takes ``app`` (or ``db``) runs on an in-memory SQLite
database and again on PostgreSQL. The PostgreSQL runs need
``VIAL_TEST_DATABASE_URL``: without it they are skipped, reported in one
summary line that names the variable, unless ``VIAL_CI`` is set, where a
missing or unreachable server fails them. On PostgreSQL the whole run works
in a schema of its own (``vial_sqlalchemy_test_<pid>``), dropped at the end,
so runs of this suite and other suites sharing the server never see each
other's tables.
"""

from __future__ import annotations

import os
import typing as t

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from vial import Vial
from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy.migrate import Migrate
from vial_sqlalchemy.testing import temporary_schema

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
CI_VARIABLE = "VIAL_CI"
BACKENDS = ["sqlite", "postgresql"]


NO_URL = (
    f"{DATABASE_URL_VARIABLE} is not set; set it to a PostgreSQL URL such as"
    " postgresql+psycopg://postgres@127.0.0.1:5432/test to run the PostgreSQL"
    " tests."
)


def _skip_without_url() -> t.NoReturn:
    """Skip a PostgreSQL test, or fail it where CI requires the server."""
    if os.environ.get(CI_VARIABLE):
        pytest.fail(
            f"{CI_VARIABLE} is set, so the PostgreSQL tests must run, but {NO_URL}",
            pytrace=False,
        )
    pytest.skip(NO_URL)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> t.Generator[None, pytest.TestReport, pytest.TestReport]:
    """Report every skip for want of a server at one place.

    pytest reports a skip raised in a fixture at each test's own line, which
    makes one summary line per test; moved to the line that skips, the
    skips of the whole run fold into a single ``SKIPPED [N]`` line.
    """
    report = yield
    longrepr = report.longrepr
    if report.skipped and isinstance(longrepr, tuple) and NO_URL in longrepr[2]:
        line = _skip_without_url.__code__.co_firstlineno
        report.longrepr = (__file__, line, longrepr[2])
    return report


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[URL]:
    """The test server's URL, with a schema of this run first on the search path."""
    raw_url = os.environ.get(DATABASE_URL_VARIABLE)
    if not raw_url:
        _skip_without_url()
    # A server that is set but unreachable errors (DatabaseUnreachable).
    with temporary_schema(raw_url, f"vial_sqlalchemy_test_{os.getpid()}") as url:
        yield url


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


@pytest.fixture
def migrations(tmp_path: t.Any) -> str:
    """The path of a migrations folder, not created yet."""
    return str(tmp_path / "migrations")


@pytest.fixture
def migrate(app: Vial, db: SQLAlchemy, migrations: str) -> t.Iterator[Migrate]:
    """``Migrate(app, db)`` on the :func:`migrations` folder.

    Afterwards every table of the app's databases is dropped, those the
    migrations made and ``alembic_version`` too, so the next test starts
    from an empty database.
    """
    yield Migrate(app, db, directory=migrations)
    drop_every_table(app)


def drop_every_table(app: Vial) -> None:
    """Drop every table in every database of ``app``, models or not."""
    for engine in app.extensions["sqlalchemy"].engines.values():
        metadata = sa.MetaData()
        metadata.reflect(bind=engine)
        metadata.drop_all(bind=engine)
