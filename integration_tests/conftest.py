"""Fixtures of the integration suite: a database per test, the app, a browser.

Every test that uses ``database_url`` runs on SQLite, and again on
PostgreSQL when ``VIAL_TEST_DATABASE_URL`` names a server. Unset, the
PostgreSQL runs are left out and one test skips, naming the variable; with
``VIAL_CI=1`` (CI sets it) a missing or unreachable server fails them, and
a set URL that does not answer always does.
"""

from __future__ import annotations

import os
import typing as t
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import Browser
from environment import CI_ENV
from environment import DATABASE_ENV
from environment import EXAMPLE_URL
from environment import postgresql_wanted
from notebook import create_app
from notebook.extensions import db

from vial import Vial
from vial_sqlalchemy.testing import temporary_schema

#: How many PostgreSQL runs were left out because no server was named.
LEFT_OUT = pytest.StashKey[int]()


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Without a PostgreSQL URL, leave the PostgreSQL runs out of the session.

    One test, ``test_postgresql_is_configured``, then skips with the reason,
    so the summary shows one skip line naming the variable instead of one
    per test.
    """
    if postgresql_wanted():
        return
    kept: list[pytest.Item] = []
    left_out: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and (
            callspec.params.get("database_url") == "postgresql"
        )
        (left_out if on_postgresql else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
    config.stash[LEFT_OUT] = len(left_out)


@pytest.fixture
def postgresql_left_out(request: pytest.FixtureRequest) -> int:
    """The number of PostgreSQL runs left out of this session."""
    return request.config.stash.get(LEFT_OUT, 0)


@pytest.fixture(scope="session")
def postgresql_url() -> Iterator[str]:
    """Return a URL into a schema of this run's own; drop it at the end."""
    base = os.environ.get(DATABASE_ENV)
    if not base:
        pytest.fail(
            f"{CI_ENV}=1 needs PostgreSQL, and {DATABASE_ENV} is not set; set it"
            f" to a server, e.g. {EXAMPLE_URL}",
            pytrace=False,
        )
    # A schema per run keeps these tables apart from other suites on the
    # same database, and from a parallel run.
    with temporary_schema(base, f"vial_integration_{os.getpid()}") as url:
        yield url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty database, on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'notebook.db'}"
    return t.cast(str, request.getfixturevalue("postgresql_url"))


@pytest.fixture
def app(database_url: str) -> Iterator[Vial]:
    """Return the notebook app on a fresh database; drop its tables after."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "integration tests only",
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def browser(app: Vial) -> Browser:
    """Return a browser on the app, with cookies of its own."""
    return Browser(app.test_client())
