"""A session store in a table of the app's vial-sqlalchemy database.

Install ``vial-login[sqlalchemy]`` and set ``LOGIN_SESSION_REGISTRY =
"sqlalchemy"`` with vial-sqlalchemy set up on the app first, or pass a store
yourself: ``LOGIN_SESSION_REGISTRY = SQLAlchemySessionStore(db)``. The
table (``login_sessions`` by default) is declared in the metadata of
``db``, so ``db.create_all()`` creates it and Alembic's autogenerate sees
it.

The store talks to the database through the engine of the current app
(``db.engines[bind_key]``), on connections of its own, not through
``db.session``: a revocation is committed whatever the view's transaction
does, and the check each request makes does not open the app's session.
An in-memory SQLite database (``sqlite://``) shares one connection between
the two, so use a file or a server for the registry.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa

from vial_sqlalchemy import SQLAlchemy
from vial_sqlalchemy import SQLAlchemyState

from .session_store import SessionRecord
from .session_store import SessionStoreError

if t.TYPE_CHECKING:
    from vial import Vial


class _UTCDateTime(sa.types.TypeDecorator[datetime]):
    """A datetime column that takes and gives aware UTC datetimes on every backend.

    SQLite keeps no time zone: values are stored as naive UTC there and made
    aware again when read.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _columns() -> list[sa.Column[t.Any]]:
    return [
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("user_id", sa.String(255), nullable=False, index=True),
        sa.Column("created", _UTCDateTime(), nullable=False),
        sa.Column("last_seen", _UTCDateTime(), nullable=False),
        sa.Column("expires", _UTCDateTime(), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("device", sa.String(128), nullable=False),
    ]


class SQLAlchemySessionStore:
    """Keep session records in a table of ``db``, on the current app's engine.

    One store may serve every app that ``db`` serves (each uses its own
    engine). Each new login also deletes the records that have expired, so
    the table does not grow without end.

    :param db: the app's :class:`vial_sqlalchemy.SQLAlchemy`.
    :param bind_key: the bind whose database holds the table; None is the
        default database.
    :param table_name: the table's name.
    :raises RuntimeError: ``db`` already has a table of that name with other
        columns.

    .. versionadded:: 0.2
    """

    def __init__(
        self,
        db: SQLAlchemy,
        *,
        bind_key: str | None = None,
        table_name: str = "login_sessions",
    ) -> None:
        self.db = db
        self.bind_key = bind_key
        #: The table of the records, in ``db``'s metadata for ``bind_key``.
        self.table: sa.Table = db.Table(
            table_name, *_columns(), bind_key=bind_key, keep_existing=True
        )
        expected = [column.name for column in _columns()]
        if [column.name for column in self.table.columns] != expected:
            raise RuntimeError(
                f"The database already declares a table {table_name!r} that is"
                " not a session registry's; set LOGIN_SESSION_REGISTRY_TABLE (or"
                " table_name=) to another name."
            )
        # Built once: SQLAlchemy then reuses its compiled form and cache key,
        # which building the query on every request would compute again.
        self._select_one = sa.select(self.table).where(
            self.table.c.id == sa.bindparam("session_id")
        )

    @classmethod
    def for_app(
        cls,
        app: Vial,
        *,
        bind_key: str | None = None,
        table_name: str = "login_sessions",
    ) -> SQLAlchemySessionStore:
        """Return a store on the ``db`` that vial-sqlalchemy set up on ``app``.

        :raises RuntimeError: vial-sqlalchemy is not set up on ``app`` yet.
        """
        state = app.extensions.get("sqlalchemy")
        if not isinstance(state, SQLAlchemyState):
            raise RuntimeError(
                'LOGIN_SESSION_REGISTRY is "sqlalchemy", but vial-sqlalchemy is not'
                " set up on this app; create SQLAlchemy(app) (or call"
                " db.init_app(app)) before LoginManager(app), or set"
                " LOGIN_SESSION_REGISTRY = SQLAlchemySessionStore(db)."
            )
        # The state types its db as a protocol (vial-sqlalchemy's lower
        # modules must not import the extension class); it is the app's
        # SQLAlchemy object.
        db = t.cast(SQLAlchemy, state.db)
        return cls(db, bind_key=bind_key, table_name=table_name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} table={self.table.name!r}>"

    def _engine(self) -> sa.engine.Engine:
        try:
            return self.db.engines[self.bind_key]
        except KeyError:
            raise RuntimeError(
                f"The session registry's bind {self.bind_key!r} has no engine in"
                " this app; add it to SQLALCHEMY_BINDS or set"
                " LOGIN_SESSION_REGISTRY_BIND to a configured bind."
            ) from None

    def _read(self) -> sa.Connection:
        """Return a connection for a read: autocommit, so no BEGIN nor ROLLBACK
        travels to the server around the one query a request makes."""
        return self._engine().connect().execution_options(isolation_level="AUTOCOMMIT")

    def _fail(self, error: sa.exc.SQLAlchemyError) -> SessionStoreError:
        return SessionStoreError(
            f"The session registry's table {self.table.name!r} cannot be used:"
            f" {error}. Check that the database is up and that the table exists"
            " (db.create_all() or a migration creates it)."
        )

    def _record(self, row: sa.Row[t.Any]) -> SessionRecord:
        return SessionRecord(**row._asdict())

    def add(self, record: SessionRecord) -> None:
        """Insert ``record``, and delete the records that have expired."""
        table = self.table
        try:
            with self._engine().begin() as connection:
                connection.execute(
                    sa.delete(table).where(table.c.expires < record.created)
                )
                connection.execute(sa.insert(table).values(_values(record)))
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e

    def get(self, session_id: str) -> SessionRecord | None:
        """Return the record of ``session_id``: one lookup by primary key."""
        try:
            with self._read() as connection:
                result = connection.execute(
                    self._select_one, {"session_id": session_id}
                )
                row = result.first()
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e
        return None if row is None else self._record(row)

    def touch(self, record: SessionRecord) -> None:
        """Update the record's last-seen time, expiry and address, if it exists."""
        table = self.table
        update = (
            sa.update(table)
            .where(table.c.id == record.id)
            .values(
                last_seen=record.last_seen,
                expires=record.expires,
                address=_address(record.address),
            )
        )
        try:
            with self._engine().begin() as connection:
                connection.execute(update)
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e

    def remove(self, session_id: str) -> SessionRecord | None:
        """Delete the record of ``session_id``; return it if there was one."""
        removed = self._remove(self.table.c.id == session_id)
        return removed[0] if removed else None

    def for_user(self, user_id: str) -> list[SessionRecord]:
        """Return the records of ``user_id``."""
        query = sa.select(self.table).where(self.table.c.user_id == user_id)
        try:
            with self._read() as connection:
                rows = connection.execute(query).all()
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e
        return [self._record(row) for row in rows]

    def remove_for_user(
        self, user_id: str, *, keep: str | None = None
    ) -> list[SessionRecord]:
        """Delete the records of ``user_id`` but ``keep``; return those deleted."""
        condition = self.table.c.user_id == user_id
        if keep is not None:
            condition = sa.and_(condition, self.table.c.id != keep)
        return self._remove(condition)

    def purge_expired(self, now: datetime | None = None) -> int:
        """Delete the records that expired before ``now``; return how many."""
        table = self.table
        now = now or datetime.now(timezone.utc)
        try:
            with self._engine().begin() as connection:
                result = connection.execute(
                    sa.delete(table).where(table.c.expires < now)
                )
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e
        return result.rowcount

    def _remove(self, condition: sa.ColumnElement[bool]) -> list[SessionRecord]:
        """Delete the rows matching ``condition``; return the records deleted."""
        table = self.table
        try:
            with self._engine().begin() as connection:
                rows = connection.execute(sa.select(table).where(condition)).all()
                if not rows:
                    return []
                ids = [row.id for row in rows]
                connection.execute(sa.delete(table).where(table.c.id.in_(ids)))
        except sa.exc.SQLAlchemyError as e:
            raise self._fail(e) from e
        return [self._record(row) for row in rows]


def _address(address: str | None) -> str | None:
    return None if address is None else address[:64]


def _values(record: SessionRecord) -> dict[str, t.Any]:
    return {
        "id": record.id,
        "user_id": record.user_id,
        "created": record.created,
        "last_seen": record.last_seen,
        "expires": record.expires,
        "address": _address(record.address),
        "device": record.device[:128],
    }
