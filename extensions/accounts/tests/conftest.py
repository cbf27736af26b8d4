"""Fixtures: the app on SQLite (and PostgreSQL), a browser, a JSON client,
a clock the tests move, and the PostgreSQL and Redis servers when given.

Tests that run on both databases take the ``database_url`` fixture, whose
``postgresql`` run needs ``VIAL_TEST_DATABASE_URL``; the Redis tests need
``VIAL_TEST_REDIS_URL``. Unset, those runs are skipped with one reason
naming the variable; with ``VIAL_CI=1`` they fail instead.
"""

from __future__ import annotations

import os
import time
import typing as t
from pathlib import Path

import pytest
from support import Browser
from support import Clock
from support import close_apps
from support import JSONClient
from support import make_app

from vial import Vial
from vial_sqlalchemy.testing import temporary_schema

DATABASE_URL_VARIABLE = "VIAL_TEST_DATABASE_URL"
REDIS_URL_VARIABLE = "VIAL_TEST_REDIS_URL"


def _ci() -> bool:
    return os.environ.get("VIAL_CI") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the PostgreSQL and Redis runs when no server is given, one reason
    each, so they fold into one summary line per variable."""
    if _ci():
        return
    no_database = not os.environ.get(DATABASE_URL_VARIABLE)
    no_redis = not os.environ.get(REDIS_URL_VARIABLE)
    skip_database = pytest.mark.skip(
        reason=f"{DATABASE_URL_VARIABLE} is not set, so the PostgreSQL runs are"
        " skipped; set it to a PostgreSQL URL to run them"
    )
    skip_redis = pytest.mark.skip(
        reason=f"{REDIS_URL_VARIABLE} is not set, so the Redis runs are skipped;"
        " set it to a Redis URL (redis://host:6379/N) to run them"
    )
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = callspec.params if callspec is not None else {}
        fixtures = getattr(item, "fixturenames", ())
        if no_database and params.get("database_url") == "postgresql":
            item.add_marker(skip_database)
        if no_redis and ("redis_url" in fixtures or params.get("counters") == "redis"):
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[str]:
    """The test server's URL, with a schema of this run on the search path."""
    raw = os.environ.get(DATABASE_URL_VARIABLE)
    if not raw:
        pytest.fail(
            f"{DATABASE_URL_VARIABLE} is not set, and VIAL_CI=1 makes the"
            " PostgreSQL tests required. Set it to a PostgreSQL URL such as"
            " postgresql+psycopg://postgres@127.0.0.1:5432/test.",
            pytrace=False,
        )
    with temporary_schema(raw, f"vial_accounts_test_{os.getpid()}") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A SQLite file, then the PostgreSQL test schema."""
    if request.param == "postgresql":
        return t.cast(str, request.getfixturevalue("postgresql_url"))
    return f"sqlite:///{tmp_path / 'accounts.sqlite3'}"


@pytest.fixture
def redis_url() -> t.Iterator[str]:
    """The Redis test database, emptied of vial-accounts' keys around the test."""
    url = os.environ.get(REDIS_URL_VARIABLE)
    if not url:
        pytest.fail(
            f"{REDIS_URL_VARIABLE} is not set, and VIAL_CI=1 makes the Redis tests"
            " required. Set it to a Redis URL such as redis://127.0.0.1:6379/6.",
            pytrace=False,
        )
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as e:
        pytest.fail(
            f"{REDIS_URL_VARIABLE} is set to {url!r}, but that Redis server"
            f" cannot be reached: {e}. Start it, or unset the variable.",
            pytrace=False,
        )

    def clean() -> None:
        keys = list(client.scan_iter(match="vial-accounts:*"))
        if keys:
            client.delete(*keys)

    clean()
    yield url
    clean()
    client.close()


@pytest.fixture(autouse=True)
def _close_apps() -> t.Iterator[None]:
    """Close the connections of every app a test made."""
    yield
    close_apps()


@pytest.fixture
def app(tmp_path: Path) -> Vial:
    """The test app on a SQLite file, every feature on."""
    return make_app(f"sqlite:///{tmp_path / 'accounts.sqlite3'}", tmp_path / "instance")


@pytest.fixture
def browser(app: Vial) -> Browser:
    """A browser on the app."""
    return Browser(app)


@pytest.fixture
def api(app: Vial) -> JSONClient:
    """A JSON client of the app."""
    return JSONClient(app)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The clock of the app's lockouts and signed links (``time.time``)."""
    clock = Clock()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + clock.offset)
    return clock
