from __future__ import annotations

import io
import logging
import sys
import typing as t

import pytest

from vial import Vial
from vial.logging import create_logger
from vial.logging import default_handler
from vial.logging import has_level_handler
from vial.logging import wsgi_errors_stream
from vial.testing import VialClient

# Loggers are process-wide, and while a test runs pytest's log capture adds
# handlers to the root logger and to loggers that do not propagate. So the
# app here is named below a parent logger that each test, once running, cuts
# off from the root: the parent stands in for the root, and the handler
# lookup sees only what the test configures.
PARENT = "vialtestlog"


def _isolate() -> None:
    parent = logging.getLogger(PARENT)
    parent.handlers[:] = []
    parent.propagate = False


@pytest.fixture
def app() -> t.Iterator[Vial]:
    app = Vial(f"{PARENT}.test_logging")
    app.config.update(TESTING=True, SECRET_KEY="test key")
    yield app

    for log in (logging.getLogger(PARENT), logging.getLogger(app.name)):
        log.handlers[:] = []
        log.setLevel(logging.NOTSET)
        log.propagate = True


def test_logger_is_named_after_app(app: Vial) -> None:
    _isolate()
    assert app.logger.name == app.name == "vialtestlog.test_logging"
    assert app.logger is logging.getLogger(app.name)
    assert app.logger is app.logger


def test_default_handler_added_when_none_configured(app: Vial) -> None:
    _isolate()
    assert app.logger.handlers == [default_handler]
    assert app.logger.level == logging.NOTSET


def test_no_default_handler_when_parent_handles(app: Vial) -> None:
    _isolate()
    logging.getLogger(PARENT).addHandler(logging.StreamHandler(io.StringIO()))
    assert has_level_handler(logging.getLogger(app.name))
    assert app.logger.handlers == []


def test_no_default_handler_when_logger_has_one(app: Vial) -> None:
    _isolate()
    own = logging.StreamHandler(io.StringIO())
    logging.getLogger(app.name).addHandler(own)
    assert app.logger.handlers == [own]


def test_handler_above_effective_level_does_not_count(app: Vial) -> None:
    _isolate()
    # WARNING records would be dropped by an ERROR-only handler, so the
    # default handler is still needed.
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.ERROR)
    logging.getLogger(PARENT).addHandler(handler)
    assert not has_level_handler(logging.getLogger(app.name))
    assert default_handler in app.logger.handlers


def test_has_level_handler_walks_hierarchy() -> None:
    top = logging.getLogger("vialtesthlh")
    middle = logging.getLogger("vialtesthlh.middle")
    leaf = logging.getLogger("vialtesthlh.middle.leaf")
    handler = logging.StreamHandler(io.StringIO())
    handler.setLevel(logging.INFO)
    top.handlers[:] = [handler]
    top.propagate = False

    try:
        assert has_level_handler(leaf)

        # A DEBUG logger needs a handler that takes DEBUG records.
        leaf.setLevel(logging.DEBUG)
        assert not has_level_handler(leaf)
        leaf.setLevel(logging.NOTSET)

        # Records stop at a logger that does not propagate.
        middle.propagate = False
        assert not has_level_handler(leaf)
    finally:
        top.handlers[:] = []
        top.propagate = True
        middle.propagate = True


def test_debug_sets_debug_level(app: Vial) -> None:
    _isolate()
    app.debug = True
    assert app.logger.level == logging.DEBUG
    assert app.logger.isEnabledFor(logging.DEBUG)


def test_debug_keeps_configured_level(app: Vial) -> None:
    _isolate()
    logging.getLogger(app.name).setLevel(logging.ERROR)
    app.debug = True
    assert create_logger(app).level == logging.ERROR


def test_messages_go_to_request_errors_stream(app: Vial, client: VialClient) -> None:
    _isolate()

    @app.get("/")
    def index() -> str:
        app.logger.warning("careful: %s", "thing")
        return ""

    errors = io.StringIO()
    client.get("/", errors_stream=errors)
    output = errors.getvalue()
    assert "WARNING in test_logging: careful: thing" in output
    assert output.startswith("[")


def test_outside_request_logs_to_stderr(
    app: Vial, capsys: pytest.CaptureFixture[str]
) -> None:
    _isolate()
    app.logger.error("no request")
    captured = capsys.readouterr()
    assert "ERROR in test_logging: no request" in captured.err
    assert captured.out == ""


def test_wsgi_errors_stream_proxy(app: Vial) -> None:
    _isolate()
    stream = io.StringIO()

    with app.test_request_context(errors_stream=stream):
        assert wsgi_errors_stream._get_current_object() is stream  # type: ignore[attr-defined]

    assert wsgi_errors_stream._get_current_object() is sys.stderr  # type: ignore[attr-defined]


def test_unhandled_exception_is_logged(app: Vial, client: VialClient) -> None:
    _isolate()
    app.testing = False

    @app.get("/fail")
    def fail() -> str:
        raise ZeroDivisionError("oops")

    errors = io.StringIO()
    rv = client.get("/fail", errors_stream=errors)
    assert rv.status_code == 500
    output = errors.getvalue()
    assert "Exception on /fail [GET]" in output
    assert "ZeroDivisionError: oops" in output
    assert "Traceback" in output
