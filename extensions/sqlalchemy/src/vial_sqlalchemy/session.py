"""The ORM session class of ``db.session``, and the scope it lives in.

``db.session`` is a :class:`~sqlalchemy.orm.scoped_session` whose scope is
the current application context: each request, CLI command, thread or
asyncio task with a context of its own gets a session of its own, removed
when that context ends. The session picks the engine of each statement from
the bind key of the model or table it touches.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc
import sqlalchemy.orm as sa_orm
from sqlalchemy.sql import util as sql_util

from vial.ext import current_app_context

if t.TYPE_CHECKING:
    from .state import DatabaseExtension


def app_context_id() -> int:
    """The scope of ``db.session``: the identity of the active app context."""
    ctx = current_app_context()
    if ctx is None:
        raise RuntimeError(
            "db.session was used outside of an application context. Run the code"
            " in a view or a CLI command, or inside 'with app.app_context():'."
        )
    return id(ctx)


class Session(sa_orm.Session):
    """A :class:`sqlalchemy.orm.Session` that routes statements by bind key.

    A model's ``__bind_key__`` (or a table's ``bind_key``) names one of the
    engines in ``SQLALCHEMY_BINDS``; everything else uses the default engine.

    :param db: The extension that made the session.
    :param kwargs: The options of :class:`sqlalchemy.orm.Session`.
    """

    def __init__(self, db: DatabaseExtension, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._db = db
        #: Models changed in this session, for SQLALCHEMY_TRACK_MODIFICATIONS.
        self._model_changes: dict[object, tuple[t.Any, str]] = {}

    def get_bind(
        self,
        mapper: t.Any | None = None,
        *,
        clause: t.Any | None = None,
        bind: sa.engine.Engine | sa.engine.Connection | None = None,
        **kwargs: t.Any,
    ) -> sa.engine.Engine | sa.engine.Connection:
        """Return the engine for a statement on ``mapper`` or ``clause``.

        An explicit ``bind`` wins; then the bind key of the mapped table, then
        that of a table in the statement, then the default engine.
        """
        if bind is not None:
            return bind
        engines = self._db.engines

        if mapper is not None:
            try:
                info = sa.inspect(mapper)
            except sa_exc.NoInspectionAvailable as e:
                if isinstance(mapper, type):
                    raise sa_orm.exc.UnmappedClassError(mapper) from e
                raise
            engine = _engine_for_table(getattr(info, "local_table", None), engines)
            if engine is not None:
                return engine

        if clause is not None:
            engine = _engine_for_clause(clause, engines)
            if engine is not None:
                return engine

        if None in engines:
            return engines[None]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


def _engine_for_table(
    table: t.Any, engines: t.Mapping[str | None, sa.engine.Engine]
) -> sa.engine.Engine | None:
    """Return the engine of a table's bind key, if its metadata carries one."""
    metadata = getattr(table, "metadata", None)
    if metadata is None or "bind_key" not in metadata.info:
        return None
    key = metadata.info["bind_key"]
    if key not in engines:
        if key is None:
            raise sa_exc.UnboundExecutionError(
                f"Table '{table.name}' uses the default engine, but"
                " SQLALCHEMY_DATABASE_URI is not set for this app; set it, or"
                " give the model a __bind_key__ from SQLALCHEMY_BINDS."
            )
        raise sa_exc.UnboundExecutionError(
            f"Table '{table.name}' has the bind key {key!r}, which is not in"
            f" this app's SQLALCHEMY_BINDS; add a {key!r} entry there."
        )
    return engines[key]


def _engine_for_clause(
    clause: t.Any, engines: t.Mapping[str | None, sa.engine.Engine]
) -> sa.engine.Engine | None:
    """Return the engine of the first table with a bind key in a statement."""
    if isinstance(clause, sa.Table):
        return _engine_for_table(clause, engines)
    if isinstance(clause, sa.sql.dml.UpdateBase) and isinstance(clause.table, sa.Table):
        return _engine_for_table(clause.table, engines)
    if isinstance(clause, sa.sql.ClauseElement):
        for table in sql_util.find_tables(clause, include_crud=True):
            engine = _engine_for_table(table, engines)
            if engine is not None:
                return engine
    return None
