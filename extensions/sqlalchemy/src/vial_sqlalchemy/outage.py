"""What a request gets when the database cannot be reached: a 503, not a 500.

A database that is down, unreachable or drops the connection mid-request
makes SQLAlchemy raise ``OperationalError``, ``InterfaceError`` or
``DisconnectionError``, or another ``DBAPIError`` marked
``connection_invalidated``. With ``SQLALCHEMY_OUTAGE_503`` on (the
default), :func:`answer_outage` is the app's error handler for them: it
rolls the session back, logs one warning line through ``app.logger``,
sends :data:`~vial_sqlalchemy.signals.database_unavailable` and answers
:class:`DatabaseUnavailable`, a 503 with ``Retry-After``, as JSON or HTML
by content negotiation. Other database errors go on as before (a 500).

The engines recover by themselves once the database is back: a connection
that failed this way is invalidated by SQLAlchemy, and server databases
get ``pool_pre_ping`` (see :mod:`vial_sqlalchemy.engines`), so a pooled
connection that died while idle is replaced on checkout.
"""

from __future__ import annotations

import typing as t

import sqlalchemy.exc as sa_exc
from werkzeug.exceptions import ServiceUnavailable

from vial.ext import get_app
from vial.ext import NegotiatedHTTPException

from .signals import database_unavailable

if t.TYPE_CHECKING:
    from sqlalchemy.orm import scoped_session

    from vial.typing import ResponseReturnValue

#: The error classes an unreachable or vanished database raises.
OUTAGE_ERRORS: tuple[type[sa_exc.SQLAlchemyError], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
)

# SQLite reports a missing table or a syntax error as an OperationalError
# too; those are bugs, not outages. Its primary result codes tell them
# apart (Python 3.11+): busy, locked, I/O error, disk full, cannot open.
_SQLITE_OUTAGE_CODES = frozenset({5, 6, 10, 13, 14})


class DatabaseUnavailable(NegotiatedHTTPException, ServiceUnavailable):
    """The database cannot be reached: a 503 error with ``Retry-After``.

    Register ``errorhandler(503)`` to answer it your way; the SQLAlchemy
    error is its ``__cause__``.

    .. versionadded:: 0.2
    """

    description = (
        "The service cannot reach its database right now. Please try again in a moment."
    )


def is_outage(error: BaseException) -> bool:
    """Return whether ``error`` says the database cannot be reached."""
    if isinstance(error, sa_exc.DisconnectionError):
        return True
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, OUTAGE_ERRORS):
        return False
    code = getattr(error.orig, "sqlite_errorcode", None)
    return code is None or code & 0xFF in _SQLITE_OUTAGE_CODES


def make_outage_handler(
    session: scoped_session[t.Any],
) -> t.Callable[[Exception], ResponseReturnValue]:
    """Return the error handler that answers outages of ``session``'s database."""

    def answer_outage(error: Exception) -> ResponseReturnValue:
        """Roll back, log, signal, and answer :class:`DatabaseUnavailable`.

        The 503 goes through the app's HTTP error handling, so an
        ``errorhandler(503)`` of the app answers it.
        """
        if not is_outage(error):
            raise error
        app = get_app()
        try:
            session.rollback()
        except sa_exc.SQLAlchemyError:
            # The connection is gone with the database; the session is
            # reset all the same and is removed with the app context.
            pass
        cause = getattr(error, "orig", None) or error
        first_line = str(cause).strip().partition("\n")[0]
        app.logger.warning(
            "The database cannot be reached (%s: %s); answered 503.",
            type(cause).__name__,
            first_line,
        )
        database_unavailable.send(app, error=error)
        retry_after = app.config["SQLALCHEMY_OUTAGE_RETRY_AFTER"]
        unavailable = DatabaseUnavailable(
            headers={"Retry-After": str(int(retry_after))}
        )
        unavailable.__cause__ = error
        return app.handle_http_exception(unavailable)

    return answer_outage
