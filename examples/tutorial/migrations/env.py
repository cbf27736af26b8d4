"""How the "vial db" commands reach the database: one database.

The commands run this file inside the app's context. The engine and the
models' metadata come from the app's vial-sqlalchemy ``db``, and the
options of ``Migrate(app, db, ...)`` (``compare_type``, ``render_as_batch``
and any other keyword argument) are passed to ``context.configure()``.
"""

from __future__ import annotations

import logging
import typing as t
from logging.config import fileConfig

from alembic import context
from vial_sqlalchemy.migrate.state import STATE

if t.TYPE_CHECKING:
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


def skip_empty_revision(
    context: MigrationContext, revision: t.Any, directives: list[MigrationScript]
) -> None:
    """Write no revision file when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False):
        upgrade_ops = directives[0].upgrade_ops
        if upgrade_ops is not None and upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in the schema were detected.")


def configure_args() -> dict[str, t.Any]:
    """The options of Migrate(...), and the empty-revision check."""
    options = dict(state.configure_args)
    if options.get("process_revision_directives") is None:
        options["process_revision_directives"] = skip_empty_revision
    return options


def run_migrations_offline() -> None:
    """Print the SQL of the migrations instead of running it (``--sql``)."""
    context.configure(
        url=db.engine.url,
        target_metadata=db.metadata,
        literal_binds=True,
        **state.configure_args,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on a connection of the app's engine."""
    with db.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=db.metadata,
            **configure_args(),
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
