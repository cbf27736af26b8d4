"""The :class:`Migrate` extension: Alembic migrations for a vial app's ``db``.

``Migrate(app, db)``, or ``migrate = Migrate()`` then
``migrate.init_app(app, db)`` in an app factory, registers a
:class:`~vial_sqlalchemy.migrate.state.MigrateState` on the app and adds the
migration commands to its ``vial db`` group. What belongs to one app (its
``db``, folder and options) lives in that state, so one object serves many
apps; the object keeps the defaults and the :meth:`Migrate.configure`
callbacks, which every app shares.
"""

from __future__ import annotations

import os
import typing as t

from vial_sqlalchemy.state import STATE as SQLALCHEMY_STATE

from .errors import require_alembic
from .options import command_options
from .state import MigrateState
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial
    from vial_sqlalchemy import SQLAlchemy

    from .alembic_config import Config

#: A :meth:`Migrate.configure` callback: it takes Alembic's configuration
#: and returns it, changed or replaced.
ConfigureCallback = t.Callable[["Config"], "Config"]
C = t.TypeVar("C", bound=ConfigureCallback)


class Migrate:
    """Schema migrations through Alembic, with the API of Flask-Migrate 4.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    :param db: The :class:`~vial_sqlalchemy.SQLAlchemy` object whose models
        the migrations follow. Left out, the one set up on the app.
    :param directory: The migrations folder; a relative path starts at the
        working directory of the ``vial`` command.
    :param command: The name of the command group in ``app.cli``. With
        ``"db"``, the migration commands join vial-sqlalchemy's
        ``vial db create`` and ``vial db drop``.
    :param compare_type: Let autogenerate notice changed column types.
    :param render_as_batch: Write changes to existing tables as Alembic batch
        operations, which SQLite needs for most ALTERs (it rebuilds the
        table); other databases run them as plain ALTER statements.
    :param kwargs: More keyword arguments for Alembic's
        ``context.configure()`` in ``env.py``, such as ``include_object``
        or ``include_schemas``.
    """

    def __init__(
        self,
        app: Vial | None = None,
        db: SQLAlchemy | None = None,
        directory: str | os.PathLike[str] = "migrations",
        command: str = "db",
        compare_type: bool = True,
        render_as_batch: bool = True,
        **kwargs: t.Any,
    ) -> None:
        #: The callbacks registered with :meth:`configure`, called in order.
        self.configure_callbacks: list[ConfigureCallback] = []
        #: The ``db`` used for apps that :meth:`init_app` is not given one for.
        self.db = db
        #: The migrations folder of apps that :meth:`init_app` is not given one for.
        self.directory = str(directory)
        #: The command group name of apps that :meth:`init_app` is not given one for.
        self.command = command
        #: The default options for Alembic's ``context.configure()``.
        self.configure_args: dict[str, t.Any] = {
            **kwargs,
            "compare_type": compare_type,
            "render_as_batch": render_as_batch,
        }
        if app is not None:
            self.init_app(app)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} directory={self.directory!r}>"

    def init_app(
        self,
        app: Vial,
        db: SQLAlchemy | None = None,
        directory: str | os.PathLike[str] | None = None,
        command: str | None = None,
        compare_type: bool | None = None,
        render_as_batch: bool | None = None,
        **kwargs: t.Any,
    ) -> None:
        """Set up migrations on ``app`` and add the commands to ``app.cli``.

        The arguments left out take the values given to the constructor. A
        second call for the same app replaces the first one's settings, as
        with Flask-Migrate.

        :raises RuntimeError: No ``db`` is given here or to the constructor,
            and vial-sqlalchemy is not set up on ``app``.
        """
        if db is None:
            db = self.db
        if db is None:
            found = SQLALCHEMY_STATE.find(app)
            if found is None:
                raise RuntimeError(
                    "Migrate needs the SQLAlchemy object whose models it"
                    " migrates. Pass it, as in Migrate(app, db) or"
                    " migrate.init_app(app, db), or set up vial-sqlalchemy on"
                    " the app first."
                )
            db = t.cast("SQLAlchemy", found.db)
        configure_args = {**self.configure_args, **kwargs}
        if configure_args.get("user_module_prefix") is None:
            # Without a prefix of its own, the app relies on the modules'
            # names, which the revision must then import.
            configure_args.setdefault("render_item", import_column_types)
        if compare_type is not None:
            configure_args["compare_type"] = compare_type
        if render_as_batch is not None:
            configure_args["render_as_batch"] = render_as_batch
        state = MigrateState(
            self,
            db,
            str(directory if directory is not None else self.directory),
            command or self.command,
            configure_args,
        )
        STATE.register(app, state)

        from .cli import add_migration_commands

        add_migration_commands(app, state.command)

    def configure(self, f: C) -> C:
        """Register a callback that adjusts Alembic's configuration before a
        command uses it; use it as a decorator.

        The callback takes the :class:`~alembic.config.Config` and returns
        it (or another one). It runs for every command of every app this
        object sets up.
        """
        self.configure_callbacks.append(f)
        return f

    def call_configure_callbacks(self, config: Config) -> Config:
        """Pass ``config`` through the :meth:`configure` callbacks, in order."""
        for callback in self.configure_callbacks:
            config = callback(config)
        return config

    def get_config(
        self,
        directory: str | os.PathLike[str] | None = None,
        x_arg: str | t.Sequence[str] | None = None,
        opts: t.Iterable[str] | None = None,
    ) -> Config:
        """Return Alembic's configuration for a migrations folder.

        :param directory: The folder; by default the current app's (or, with
            no app context, the one given to the constructor).
        :param x_arg: Values for ``context.get_x_argument()`` in ``env.py``,
            after those given to the ``vial db`` group with ``-x``.
        :param opts: Names of command options to set to ``True`` on
            ``config.cmd_opts`` (``"autogenerate"``).
        :raises MigrationError: Alembic is not installed.
        """
        require_alembic()
        from .alembic_config import Config

        if directory is None:
            state = STATE.find()
            directory = state.directory if state is not None else self.directory
        directory = str(directory)
        config = Config(
            os.path.join(directory, "alembic.ini"),
            cmd_opts=command_options(x_arg, opts),
        )
        # A "%" in the path would start an interpolation in Alembic's parser.
        config.set_main_option("script_location", directory.replace("%", "%%"))
        return self.call_configure_callbacks(config)


def import_column_types(type_: str, obj: t.Any, autogen_context: t.Any) -> bool:
    """Have a revision import the modules of column types that are not SQLAlchemy's.

    Alembic writes such a type as ``package.module.Type(...)`` but imports
    nothing for it, so ``vial db upgrade`` would fail on the revision with a
    NameError. Used as Alembic's ``render_item`` unless ``Migrate`` is given
    another; returns ``False``, so Alembic renders the item as usual.
    """
    if type_ == "type":
        module = type(obj).__module__
        if module != "builtins" and module.partition(".")[0] != "sqlalchemy":
            autogen_context.imports.add(f"import {module}")
    return False
