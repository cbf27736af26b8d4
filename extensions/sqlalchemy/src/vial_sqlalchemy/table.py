"""``db.Table``: a :class:`sqlalchemy.Table` that picks its metadata by bind key.

``db.Table("user_roles", db.Column(...), ...)`` goes into ``db.metadata``;
``db.Table("log", db.Column(...), bind_key="audit")`` into the metadata of
the ``audit`` bind. Passing a :class:`~sqlalchemy.MetaData` as the second
argument, as with plain SQLAlchemy, uses that metadata.
"""

from __future__ import annotations

import typing as t

import sqlalchemy as sa

if t.TYPE_CHECKING:
    from .state import DatabaseExtension


class _Table(sa.Table):
    """The base of each extension's ``db.Table`` class."""

    #: The extension whose metadata the table goes into.
    _vial_db: t.ClassVar[DatabaseExtension]

    if t.TYPE_CHECKING:

        def __init__(
            self,
            name: str,
            *args: t.Any,
            bind_key: str | None = None,
            **kwargs: t.Any,
        ) -> None: ...

    else:

        def __new__(cls, *args: t.Any, bind_key: str | None = None, **kwargs: t.Any):
            # Without a name, or with a MetaData given, behave as sa.Table
            # does, errors included.
            if (len(args) >= 2 and isinstance(args[1], sa.MetaData)) or not args:
                return super().__new__(cls, *args, **kwargs)
            metadata = cls._vial_db._make_metadata(bind_key)
            return super().__new__(cls, args[0], metadata, *args[1:], **kwargs)


def make_table_class(db: DatabaseExtension) -> type[_Table]:
    """Return the ``db.Table`` class of the extension ``db``."""
    return type("Table", (_Table,), {"_vial_db": db, "__module__": __name__})
