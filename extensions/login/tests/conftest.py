from __future__ import annotations

import os
import typing as t

import pytest
import sqlalchemy as sa
from backends import Backend
from backends import BACKENDS
from backends import check_redis
from backends import closed_port
from backends import DATABASE_URL_VARIABLE
from backends import fold_skip
from backends import REDIS_URL_VARIABLE
from backends import RedisBackend
from backends import service_url
from backends import SQLBackend
from support import build_app

from vial import Vial
from vial_sqlalchemy.testing import temporary_schema


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> t.Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fold the skips for want of a database or Redis server into one line each."""
    report = yield
    fold_skip(report)
    return report


@pytest.fixture
def app() -> Vial:
    """A small app with users, a login form and protected views."""
    return build_app()


@pytest.fixture(scope="session")
def postgresql_url() -> t.Iterator[sa.URL]:
    """The test server's URL, with a schema of this run first on the search path."""
    url = sa.make_url(service_url(DATABASE_URL_VARIABLE, "PostgreSQL"))
    with temporary_schema(url, f"vial_login_test_{os.getpid()}") as scoped:
        yield scoped


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis server's URL."""
    url = service_url(REDIS_URL_VARIABLE, "Redis")
    check_redis(url)
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: t.Any) -> t.Iterator[Backend]:
    """The session registry on each store; ``backend.make_app()`` makes apps
    sharing it."""
    made: Backend
    if request.param == "sqlite":
        made = SQLBackend(
            "sqlite",
            f"sqlite:///{tmp_path / 'registry.db'}",
            f"sqlite:///{tmp_path / 'missing' / 'registry.db'}",
        )
    elif request.param == "postgresql":
        url: sa.URL = request.getfixturevalue("postgresql_url")
        down = url.set(host="127.0.0.1", port=closed_port())
        made = SQLBackend(
            "postgresql",
            url.render_as_string(hide_password=False),
            down.render_as_string(hide_password=False),
        )
    else:
        made = RedisBackend(request.getfixturevalue("redis_url"))
    yield made
    made.close()
