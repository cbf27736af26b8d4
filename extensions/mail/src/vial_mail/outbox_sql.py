"""The outbox in a database table, shared by every worker process of an app.

Imported only when the outbox backend is configured with a database URL,
since it needs SQLAlchemy (the ``vial-mail[outbox]`` extra). It uses
SQLAlchemy Core on an engine of its own, so it works with or without
vial-sqlalchemy, on SQLite and PostgreSQL alike.

Worker processes forked from a parent that already used the store (a
gunicorn ``--preload`` app) do not share the parent's pooled
connections: each process notices the fork and starts its own pool.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import typing as t
from datetime import timezone
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .outbox import OutboxStore
from .outbox import StoredMessage

if t.TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def make_table(name: str, metadata: sa.MetaData | None = None) -> sa.Table:
    """Return the outbox table called ``name``."""
    return sa.Table(
        name,
        metadata if metadata is not None else sa.MetaData(),
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sender", sa.Text, nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=True),
        sa.Column("html", sa.Text, nullable=True),
        sa.Column("raw", sa.LargeBinary, nullable=False),
        # Numbers are never reused after clear(), as in PostgreSQL and in
        # the memory store.
        sqlite_autoincrement=True,
    )


class SQLOutbox(OutboxStore):
    """Keeps messages in a database table, created when missing.

    :param url: an SQLAlchemy database URL.
    :param table_name: the table's name.
    :raises ImportError: the URL's database driver is not installed.
    :raises sqlalchemy.exc.ArgumentError: the URL is not valid.
    """

    def __init__(self, url: str | sa.URL, table_name: str = "mail_outbox") -> None:
        self.url = make_url(url)
        self.table = make_table(table_name)
        self._lock = threading.Lock()
        self._table_ready = False
        self._pid = os.getpid()
        # Created now so a bad URL or a missing driver fails at init_app;
        # creating an engine connects to nothing.
        self._engine: Engine = self._create_engine()

    def __repr__(self) -> str:
        url = self.url.render_as_string(hide_password=True)
        return f"<{type(self).__name__} {url} table {self.table.name!r}>"

    def _create_engine(self) -> Engine:
        return sa.create_engine(self.url, pool_pre_ping=True)

    def _connect(self) -> Engine:
        """Return the engine of this process, with the table created."""
        with self._lock:
            if self._pid != os.getpid():
                # A forked child: leave the parent's connections to it.
                self._engine.dispose(close=False)
                self._engine = self._create_engine()
                self._pid = os.getpid()
            if not self._table_ready:
                self._create_table()
                self._table_ready = True
            return self._engine

    def _create_table(self) -> None:
        database = self.url.database
        is_file = database not in (None, "", ":memory:")
        if self.url.get_backend_name() == "sqlite" and is_file:
            assert database is not None
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        try:
            self.table.create(self._engine, checkfirst=True)
        except sa.exc.DBAPIError:
            # Several worker processes starting at once may all find the
            # table missing; the losers of that race see it exist now.
            if not sa.inspect(self._engine).has_table(self.table.name):
                raise

    def add(self, draft: StoredMessage) -> StoredMessage:
        """Keep a message; return it with its number."""
        engine = self._connect()
        values = {
            "sent_at": draft.sent_at,
            "sender": draft.sender,
            "recipients": draft.recipients,
            "subject": draft.subject,
            "body": draft.body,
            "html": draft.html,
            "raw": draft.raw,
        }
        with engine.begin() as connection:
            result = connection.execute(self.table.insert().values(values))
            key = result.inserted_primary_key
        assert key is not None, "an INSERT always has a primary key"
        return dataclasses.replace(draft, id=int(key[0]))

    def messages(self) -> list[StoredMessage]:
        """Return every kept message, oldest first."""
        query = self.table.select().order_by(self.table.c.id)
        return self._fetch(query)

    def get(self, message_id: int) -> StoredMessage | None:
        """Return the message with this number, or ``None``."""
        found = self._fetch(self.table.select().where(self.table.c.id == message_id))
        return found[0] if found else None

    def latest(self) -> StoredMessage | None:
        """Return the message kept last, or ``None`` when there is none."""
        query = self.table.select().order_by(self.table.c.id.desc()).limit(1)
        found = self._fetch(query)
        return found[0] if found else None

    def count(self) -> int:
        """Return how many messages are kept."""
        query = sa.select(sa.func.count()).select_from(self.table)
        with self._connect().connect() as connection:
            return int(connection.execute(query).scalar_one())

    def clear(self) -> None:
        """Forget every message; numbering goes on where it was."""
        with self._connect().begin() as connection:
            connection.execute(self.table.delete())

    def close(self) -> None:
        """Close the pooled connections; the store opens new ones when used."""
        self._engine.dispose()

    def drop(self) -> None:
        """Drop the table (for tests and clean-up); it is made again when used."""
        with self._lock:
            self.table.drop(self._engine, checkfirst=True)
            self._table_ready = False

    def _fetch(self, query: sa.Select[t.Any]) -> list[StoredMessage]:
        with self._connect().connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [_stored(row) for row in rows]


def _stored(row: sa.RowMapping) -> StoredMessage:
    sent_at = row["sent_at"]
    if sent_at.tzinfo is None:
        # SQLite keeps no time zone; the value was written in UTC.
        sent_at = sent_at.replace(tzinfo=timezone.utc)
    return StoredMessage(
        id=row["id"],
        sent_at=sent_at,
        sender=row["sender"],
        recipients=list(row["recipients"]),
        subject=row["subject"],
        body=row["body"],
        html=row["html"],
        raw=bytes(row["raw"]),
    )
