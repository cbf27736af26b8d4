"""The application's logger and the handler it gets by default."""

from __future__ import annotations

import logging
import sys
import typing as t

from werkzeug.local import LocalProxy

from .globals import _cv_request

if t.TYPE_CHECKING:
    from .base import AppBase


def _wsgi_errors_stream() -> t.TextIO:
    ctx = _cv_request.get(None)

    if ctx is not None:
        return ctx.request.environ["wsgi.errors"]  # type: ignore[no-any-return]

    return sys.stderr


#: The stream for error output: the WSGI server's ``wsgi.errors`` during a
#: request, otherwise :data:`sys.stderr`. Servers route ``wsgi.errors`` to
#: their own error log, so messages logged while handling a request end up
#: where the operator looks.
wsgi_errors_stream: t.TextIO = LocalProxy(_wsgi_errors_stream)  # type: ignore[assignment]


def has_level_handler(logger: logging.Logger) -> bool:
    """Return whether a handler would emit records at the logger's level.

    Walks up the logger hierarchy as records propagate, stopping at a logger
    with ``propagate`` turned off.
    """
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger

    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True

        if not current.propagate:
            break

        current = current.parent

    return False


#: Logs to :data:`wsgi_errors_stream` with the time, level and module.
#: Added to the app's logger only when no other handler is configured;
#: remove it with ``app.logger.removeHandler(default_handler)``.
default_handler = logging.StreamHandler(wsgi_errors_stream)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def create_logger(app: AppBase) -> logging.Logger:
    """Return the logger named after the app, set up for it.

    In debug mode the logger's level becomes ``DEBUG`` unless a level was
    already set. :data:`default_handler` is added only when no handler in
    the hierarchy would handle the logger's records, so logging configured
    by the project (``logging.config.dictConfig``, ...) is left alone.
    """
    logger = logging.getLogger(app.name)

    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)

    if not has_level_handler(logger):
        logger.addHandler(default_handler)

    return logger
