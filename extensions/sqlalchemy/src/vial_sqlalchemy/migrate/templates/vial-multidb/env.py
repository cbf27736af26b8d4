"""How the "vial db" commands reach the databases: every bind.

The commands run this file inside the app's context. Each engine of the
app's vial-sqlalchemy ``db`` is migrated with the metadata of its bind,
under the name ``""`` for the default database and the bind key for the
others; a revision's ``upgrade(engine_name)`` runs ``upgrade_<name>()``.
The options of ``Migrate(app, db, ...)`` are passed to
``context.configure()``.
"""

from __future__ import annotations

import contextlib
import logging
import typing as t
from logging.config import fileConfig

from alembic import context

from vial_sqlalchemy.migrate.state import STATE

if t.TYPE_CHECKING:
    import sqlalchemy as sa
    from alembic.operations import MigrationScript
    from alembic.runtime.migration import MigrationContext

config = context.config
# Set up logging from alembic.ini, unless the app, a test runner or a server
# has set it up already.
if config.config_file_name is not None and not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

state = STATE.get()
db = state.db

#: Each database by name: "" is the default database, then the bind keys.
engines: dict[str, sa.engine.Engine] = {
    "" if key is None else key: engine
    for key, engine in sorted(db.engines.items(), key=lambda item: item[0] or "")
}


def metadata_of(name: str) -> sa.MetaData:
    """The metadata of the models of one database."""
    return db.metadatas[name or None]


def describe(name: str) -> str:
    """Name one database in messages."""
    return f"the bind {name!r}" if name else "the default database"


def skip_empty_revision(
    context: MigrationContext, revision: t.Any, directives: list[MigrationScript]
) -> None:
    """Write no revision file when autogenerate finds no change in any database.

    Alembic calls it after comparing each database; the last call decides.
    """
    if getattr(config.cmd_opts, "autogenerate", False):
        operations = directives[0].upgrade_ops_list
        if len(operations) == len(engines) and all(o.is_empty() for o in operations):
            directives[:] = []
            logger.info("No changes in the schema were detected.")


def configure_args(name: str) -> dict[str, t.Any]:
    """The options for one database: Migrate(...)'s, and the names of the
    parts of script.py.mako that its operations go into."""
    options = dict(state.configure_args)
    if options.get("process_revision_directives") is None:
        options["process_revision_directives"] = skip_empty_revision
    options.update(
        upgrade_token=f"{name}_upgrades",
        downgrade_token=f"{name}_downgrades",
    )
    return options


def run_migrations_offline() -> None:
    """Print the SQL of the migrations instead of running it (``--sql``)."""
    for name, engine in engines.items():
        context.config.print_stdout(f"-- {describe(name)}")
        options = configure_args(name)
        del options["process_revision_directives"]
        context.configure(
            url=engine.url,
            target_metadata=metadata_of(name),
            literal_binds=True,
            **options,
        )
        with context.begin_transaction():
            context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Run the migrations of every database; commit once all of them have run."""
    with contextlib.ExitStack() as stack:
        connections = {
            name: stack.enter_context(engine.connect())
            for name, engine in engines.items()
        }
        # Each connection's transaction stays open until all have migrated:
        # leaving the "with" blocks on an error rolls every one back.
        transactions = [
            stack.enter_context(connection.begin())
            for connection in connections.values()
        ]
        for name, connection in connections.items():
            logger.info("Migrating %s.", describe(name))
            context.configure(
                connection=connection,
                target_metadata=metadata_of(name),
                **configure_args(name),
            )
            context.run_migrations(engine_name=name)
        for transaction in transactions:
            transaction.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
