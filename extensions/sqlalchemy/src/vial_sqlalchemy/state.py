"""Per-app state of vial-sqlalchemy, and what the lower modules know of ``db``.

Each app registered with a ``db`` keeps its engines in a
:class:`SQLAlchemyState` under :data:`STATE` (``app.extensions["sqlalchemy"]``).
Every module of the package reads that state through :data:`STATE`, and sees
the extension object only as a :class:`DatabaseExtension`, so none of them
imports :mod:`vial_sqlalchemy.extension`: that module sits on top and
imports the rest.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa
import sqlalchemy.orm as sa_orm

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    from .query import Query


class DatabaseExtension(t.Protocol):
    """What the models, tables, sessions and commands use of the ``db`` object.

    :class:`~vial_sqlalchemy.SQLAlchemy` is the implementation; the lower
    modules are typed against this protocol so they need not import it.
    """

    Model: type[t.Any]
    Query: type[Query]
    metadatas: dict[str | None, sa.MetaData]
    session: sa_orm.scoped_session[t.Any]

    @property
    def engines(self) -> t.Mapping[str | None, sa.engine.Engine]:
        """The current app's engines by bind key."""

    def _make_metadata(self, bind_key: str | None) -> sa.MetaData: ...

    def _register_metadata(
        self, bind_key: str | None, metadata: sa.MetaData
    ) -> None: ...

    def create_all(
        self, bind_key: str | t.Iterable[str | None] | None = "__all__"
    ) -> None:
        """Create the tables of the given binds."""

    def drop_all(
        self, bind_key: str | t.Iterable[str | None] | None = "__all__"
    ) -> None:
        """Drop the tables of the given binds."""


class SQLAlchemyState:
    """The per-app state of vial-sqlalchemy, in ``app.extensions["sqlalchemy"]``.

    Code written for Flask-SQLAlchemy 3, which keeps the extension object
    itself there, keeps working: other attributes are looked up on :attr:`db`.

    :param db: The extension registered on the app.
    :param engines: The app's engines by bind key (``None`` is the default).
    """

    def __init__(
        self, db: DatabaseExtension, engines: dict[str | None, sa.engine.Engine]
    ) -> None:
        self.db = db
        self.engines = engines

    def __getattr__(self, name: str) -> t.Any:
        # Read db from __dict__: while copying or unpickling, it is not set
        # yet, and looking it up through this method would never end.
        db = self.__dict__.get("db")
        if db is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(db, name)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self.db!r} engines={list(self.engines)}>"


#: Where each app keeps its :class:`SQLAlchemyState`.
STATE: ExtensionKey[SQLAlchemyState] = ExtensionKey(
    "sqlalchemy", setup="SQLAlchemy(app) or db.init_app(app)"
)
