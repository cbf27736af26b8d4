"""pytest fixtures for testing vial applications.

The plugin is registered automatically when vial is installed. A project's
``conftest.py`` provides an ``app`` fixture; these fixtures build on it:

``client``
    ``app.test_client()``.
``runner``
    ``app.test_cli_runner()``.
``app_ctx``
    An application context pushed for the test.
``req_ctx``
    A request context for ``GET /`` pushed for the test.

Every test also fails if it leaves an application or request context
pushed, since a leaked context makes later tests see the wrong app.
"""

from __future__ import annotations

import typing as t

import pytest

if t.TYPE_CHECKING:
    from .app import Vial
    from .ctx import AppContext
    from .ctx import RequestContext
    from .testing import VialClient
    from .testing import VialCliRunner


@pytest.fixture
def client(app: Vial) -> VialClient:
    """A test client for the ``app`` fixture."""
    return app.test_client()


@pytest.fixture
def runner(app: Vial) -> VialCliRunner:
    """A CLI runner for the ``app`` fixture."""
    return app.test_cli_runner()


@pytest.fixture
def app_ctx(app: Vial) -> t.Iterator[AppContext]:
    """An application context of the ``app`` fixture, pushed for the test."""
    with app.app_context() as ctx:
        yield ctx


@pytest.fixture
def req_ctx(app: Vial) -> t.Iterator[RequestContext]:
    """A request context for ``GET /`` on the ``app`` fixture, pushed for the
    test."""
    with app.test_request_context() as ctx:
        yield ctx


@pytest.fixture(autouse=True)
def _vial_no_leaked_context() -> t.Iterator[None]:
    """Fail a test that leaves a context pushed."""
    from .globals import _cv_app
    from .globals import _cv_request

    before = (_cv_app.get(None), _cv_request.get(None))
    yield
    after = (_cv_app.get(None), _cv_request.get(None))
    if after != before:
        leaked = [repr(ctx) for ctx in after if ctx is not None]
        # Leave a clean state for the next test before failing this one.
        while (
            _cv_request.get(None) is not None and _cv_request.get(None) is not before[1]
        ):
            _cv_request.get().pop()
        while _cv_app.get(None) is not None and _cv_app.get(None) is not before[0]:
            _cv_app.get().pop()
        pytest.fail(
            "The test left a context pushed: "
            + ", ".join(leaked)
            + ". Use 'with app.app_context():' or 'with"
            " app.test_request_context():' so contexts are popped.",
            pytrace=False,
        )
