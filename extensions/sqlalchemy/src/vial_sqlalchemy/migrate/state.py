"""Per-app state of the migrations: ``app.extensions["migrate"]``.

:class:`~vial_sqlalchemy.migrate.Migrate` registers a :class:`MigrateState`
under :data:`STATE` for each app it sets up. The commands, the ``vial db``
group and the ``env.py`` of a migrations folder read it there: the ``db``
whose engines and metadata are migrated, the folder, and the options for
Alembic's ``context.configure()``.

The key and the attribute names are those of Flask-Migrate, so an ``env.py``
that Flask-Migrate generated keeps working: it reads
``current_app.extensions["migrate"].db`` and ``.configure_args``.
"""

from __future__ import annotations

import os
import typing as t

from vial.ext import ExtensionKey

if t.TYPE_CHECKING:
    import sqlalchemy as sa

    from vial_sqlalchemy import SQLAlchemy

    from .alembic_config import Config


class Configurer(t.Protocol):
    """What the commands use of the :class:`~vial_sqlalchemy.migrate.Migrate`
    object that set an app up (it lives in ``extension.py``, which imports
    this module)."""

    def get_config(
        self,
        directory: str | os.PathLike[str] | None = None,
        x_arg: str | t.Sequence[str] | None = None,
        opts: t.Iterable[str] | None = None,
    ) -> Config: ...

    def call_configure_callbacks(self, config: Config) -> Config: ...


class MigrateState:
    """What one app migrates, and how: its entry in ``app.extensions["migrate"]``.

    :param migrate: The :class:`~vial_sqlalchemy.migrate.Migrate` object
        that set the app up; its :meth:`~vial_sqlalchemy.migrate.Migrate.configure`
        callbacks apply.
    :param db: The :class:`~vial_sqlalchemy.SQLAlchemy` object whose models
        the migrations follow.
    :param directory: The migrations folder (relative paths start at the
        working directory).
    :param command: The name of the command group in ``app.cli``.
    :param configure_args: Keyword arguments for Alembic's
        ``context.configure()``, which the ``env.py`` passes on.
    """

    def __init__(
        self,
        migrate: Configurer,
        db: SQLAlchemy,
        directory: str,
        command: str,
        configure_args: dict[str, t.Any],
    ) -> None:
        self.migrate = migrate
        self.db = db
        self.directory = directory
        self.command = command
        self.configure_args = configure_args

    @property
    def metadata(self) -> sa.MetaData:
        """The metadata of the default bind (what an old ``env.py`` reads)."""
        return self.db.metadata

    def __repr__(self) -> str:
        return (
            f"<{type(self).__name__} directory={self.directory!r}"
            f" command={self.command!r}>"
        )


#: Where each app keeps its :class:`MigrateState`. A second ``init_app``
#: replaces the state, as with Flask-Migrate.
STATE: ExtensionKey[MigrateState] = ExtensionKey(
    "migrate", setup="Migrate(app, db) or migrate.init_app(app, db)", replace=True
)
