"""``SQLALCHEMY_RECORD_QUERIES``: remember each query run in an app context.

When the setting is true at ``init_app``, every engine of the app gets two
event listeners that time each statement and store a :class:`QueryInfo` in
the app context (as ``g._sqlalchemy_queries``). :func:`get_recorded_queries`
returns them, for a debug toolbar, a slow-query log or a test that counts
queries. Nothing is recorded outside an application context.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing as t
from time import perf_counter

import sqlalchemy as sa
import sqlalchemy.event as sa_event

from vial import current_app
from vial import g
from vial import has_app_context

#: The attribute of the statement's execution context that holds its start.
_START = "_vial_sqlalchemy_start_time"


@dataclasses.dataclass
class QueryInfo:
    """One recorded query.

    :param statement: The SQL string sent to the database.
    :param parameters: The parameters sent with it.
    :param start_time: When it started, from :func:`time.perf_counter`.
    :param end_time: When it ended, from :func:`time.perf_counter`.
    :param location: The ``"file:line (function)"`` of the app's code that ran
        it: the innermost frame in the app's package, or ``"<unknown>"``.
    """

    statement: str | None
    parameters: t.Any
    start_time: float
    end_time: float
    location: str

    @property
    def duration(self) -> float:
        """How long the query took, in seconds."""
        return self.end_time - self.start_time


def get_recorded_queries() -> list[QueryInfo]:
    """Return the queries recorded in the current app context, oldest first.

    Empty when ``SQLALCHEMY_RECORD_QUERIES`` is off or nothing ran yet.
    """
    return t.cast("list[QueryInfo]", g.get("_sqlalchemy_queries", []))


def listen(engine: sa.engine.Engine) -> None:
    """Record the queries ``engine`` runs (called by ``init_app``)."""
    if not sa_event.contains(engine, "before_cursor_execute", _record_start):
        sa_event.listen(engine, "before_cursor_execute", _record_start, named=True)
        sa_event.listen(engine, "after_cursor_execute", _record_end, named=True)


def _record_start(context: t.Any, **kwargs: t.Any) -> None:
    if has_app_context():
        setattr(context, _START, perf_counter())


def _record_end(context: t.Any, **kwargs: t.Any) -> None:
    start = getattr(context, _START, None)
    if start is None or not has_app_context():
        return
    end = perf_counter()
    queries = g.setdefault("_sqlalchemy_queries", [])
    queries.append(
        QueryInfo(
            statement=context.statement,
            parameters=context.parameters,
            start_time=start,
            end_time=end,
            location=_app_code_location(current_app.import_name),
        )
    )


def _app_code_location(import_name: str) -> str:
    """Find the innermost frame of the app's own package on the stack."""
    package = import_name.partition(".")[0]
    prefix = f"{package}."
    frame: types.FrameType | None = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == package or module.startswith(prefix):
            code = frame.f_code
            return f"{code.co_filename}:{frame.f_lineno} ({code.co_name})"
        frame = frame.f_back
    return "<unknown>"
