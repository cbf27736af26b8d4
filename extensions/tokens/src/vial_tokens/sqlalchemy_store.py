"""Opaque tokens in a SQL database, through SQLAlchemy Core.

Needs the ``sqlalchemy`` extra: ``pip install 'vial-tokens[sqlalchemy]'``.

.. code-block:: python

    from vial_sqlalchemy import SQLAlchemy
    from vial_tokens import TokenAuth
    from vial_tokens.sqlalchemy_store import SQLAlchemyTokenStore

    db = SQLAlchemy(app)
    tokens = TokenAuth(app, store=SQLAlchemyTokenStore(db))

    with app.app_context():
        db.create_all()  # creates the token table with the app's tables

Given vial-sqlalchemy's ``db``, the table joins ``db.metadata`` (so
``db.create_all()`` and migrations see it) and each app's default engine is
used. Given a SQLAlchemy :class:`~sqlalchemy.engine.Engine`, or a function
returning one, the table lives on a metadata of its own (or the one
passed), created with :meth:`SQLAlchemyTokenStore.create_table`.

Every operation runs in a short transaction of its own on a connection
from the engine, never in the app's ORM session, so checking a token never
commits or rolls back the app's pending work.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

import sqlalchemy as sa

from .store import TokenRecord

if t.TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class _Database(t.Protocol):
    """What the store uses of vial-sqlalchemy's ``SQLAlchemy`` object."""

    @property
    def engine(self) -> Engine: ...

    @property
    def metadata(self) -> sa.MetaData: ...


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes even for timezone-aware columns; the
    # store writes UTC only, so naive values are UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


class SQLAlchemyTokenStore:
    """Opaque token records in a table, shared by every worker process.

    :param bind: vial-sqlalchemy's ``db``, a SQLAlchemy engine, or a
        function returning the engine to use for the current app.
    :param metadata: the metadata to define the table on; ``db.metadata``
        for a ``db``, a new one otherwise.
    :param table_name: the name of the table.
    """

    def __init__(
        self,
        bind: _Database | Engine | t.Callable[[], Engine],
        *,
        metadata: sa.MetaData | None = None,
        table_name: str = "vial_tokens",
    ) -> None:
        if isinstance(bind, sa.Engine):
            engine = bind
            self._get_engine: t.Callable[[], Engine] = lambda: engine
        elif hasattr(type(bind), "engine") and hasattr(type(bind), "metadata"):
            # Looked up on the class: db.engine needs an app context.
            database = t.cast(_Database, bind)
            self._get_engine = lambda: database.engine
            if metadata is None:
                metadata = database.metadata
        elif callable(bind):
            self._get_engine = bind
        else:
            raise TypeError(
                f"SQLAlchemyTokenStore needs vial-sqlalchemy's db, an Engine or a"
                f" function returning one, not {bind!r}."
            )
        metadata = metadata if metadata is not None else sa.MetaData()
        #: The table of token records.
        self.table = sa.Table(
            table_name,
            metadata,
            sa.Column("id", sa.String(32), primary_key=True),
            sa.Column("user_key", sa.String(255), nullable=False, index=True),
            sa.Column("token_hash", sa.String(64), nullable=False),
            sa.Column("name", sa.String(255), nullable=False, default=""),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True)),
            sa.Column("last_used_at", sa.DateTime(timezone=True)),
            sa.Column("revoked_at", sa.DateTime(timezone=True)),
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} table={self.table.name!r}>"

    @property
    def engine(self) -> Engine:
        """The engine used for the current app."""
        return self._get_engine()

    def create_table(self) -> None:
        """Create the table if it does not exist."""
        self.table.create(self.engine, checkfirst=True)

    def drop_table(self) -> None:
        """Drop the table, and every token in it, if it exists."""
        self.table.drop(self.engine, checkfirst=True)

    def _record(self, row: sa.Row[t.Any]) -> TokenRecord:
        return TokenRecord(
            id=row.id,
            user_key=row.user_key,
            token_hash=row.token_hash,
            name=row.name,
            created_at=t.cast(datetime, _aware(row.created_at)),
            expires_at=_aware(row.expires_at),
            last_used_at=_aware(row.last_used_at),
            revoked_at=_aware(row.revoked_at),
        )

    def add(self, record: TokenRecord) -> None:
        """Insert a record."""
        with self.engine.begin() as connection:
            connection.execute(
                self.table.insert().values(
                    id=record.id,
                    user_key=record.user_key,
                    token_hash=record.token_hash,
                    name=record.name,
                    created_at=record.created_at,
                    expires_at=record.expires_at,
                    last_used_at=record.last_used_at,
                    revoked_at=record.revoked_at,
                )
            )

    def get(self, token_id: str) -> TokenRecord | None:
        """Return the record with this id, or ``None``."""
        query = sa.select(self.table).where(self.table.c.id == token_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return None if row is None else self._record(row)

    def touch(self, token_id: str, when: datetime) -> None:
        """Set the last-used time of a record."""
        statement = (
            self.table.update()
            .where(self.table.c.id == token_id)
            .values(last_used_at=when)
        )
        with self.engine.begin() as connection:
            connection.execute(statement)

    def revoke(self, token_id: str, when: datetime) -> bool:
        """Mark a record revoked; return whether it was live before."""
        table = self.table
        statement = (
            table.update()
            .where(table.c.id == token_id, table.c.revoked_at.is_(None))
            .values(revoked_at=when)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount == 1

    def revoke_user(self, user_key: str, when: datetime) -> list[str]:
        """Revoke every live record of a user; return their ids."""
        table = self.table
        live = (table.c.user_key == user_key, table.c.revoked_at.is_(None))
        with self.engine.begin() as connection:
            ids = list(connection.execute(sa.select(table.c.id).where(*live)).scalars())
            if ids:
                connection.execute(
                    table.update()
                    .where(table.c.id.in_(ids), table.c.revoked_at.is_(None))
                    .values(revoked_at=when)
                )
        return ids

    def for_user(self, user_key: str) -> list[TokenRecord]:
        """Return a user's records, newest first."""
        query = (
            sa.select(self.table)
            .where(self.table.c.user_key == user_key)
            .order_by(self.table.c.created_at.desc())
        )
        with self.engine.connect() as connection:
            return [self._record(row) for row in connection.execute(query)]

    def purge(self, before: datetime) -> int:
        """Delete records revoked or expired before ``before``."""
        table = self.table
        statement = table.delete().where(
            sa.or_(table.c.revoked_at < before, table.c.expires_at < before)
        )
        with self.engine.begin() as connection:
            return connection.execute(statement).rowcount
