"""The migration commands of ``vial db``: Flask-Migrate's command set.

:func:`add_migration_commands` builds the group for an app and adds it to
``app.cli`` under the name given to :class:`~vial_sqlalchemy.migrate.Migrate`
(``db`` by default). A group of that name already there (vial-sqlalchemy's
``db create`` and ``db drop``, or the app's own) hands its commands over, so
they stay under ``vial db``.

Each command calls the function of the same name in
:mod:`vial_sqlalchemy.migrate.commands` inside the app's context, and turns
its :class:`~vial_sqlalchemy.migrate.MigrationError` into an error message
and exit status 1.
"""

from __future__ import annotations

import typing as t

import click

from vial.cli import AppGroup
from vial.cli import with_appcontext

from . import commands
from .errors import MigrationError
from .options import X_ARG_KEY

if t.TYPE_CHECKING:
    from vial import Vial

#: Where the group keeps its ``--directory`` for the commands.
_DIRECTORY_KEY = "vial_sqlalchemy.migrate.directory"

_directory = click.option(
    "-d",
    "--directory",
    default=None,
    help="The migrations folder.  [default: the app's, usually 'migrations']",
)
_x_arg = click.option(
    "-x",
    "--x-arg",
    "x_arg",
    multiple=True,
    help="A value for context.get_x_argument() in env.py; repeat for several.",
)
_sql = click.option("--sql", is_flag=True, help="Print the SQL instead of running it.")
_tag = click.option(
    "--tag", default=None, help="A value for context.get_tag_argument() in env.py."
)
_verbose = click.option(
    "-v", "--verbose", is_flag=True, help="Show more of each revision."
)
_message = click.option("-m", "--message", default=None, help="The revision's message.")
_branch_label = click.option(
    "--branch-label", default=None, help="A label for the branch this revision starts."
)
_rev_id = click.option(
    "--rev-id", default=None, help="The new revision's id, instead of a random one."
)


def _new_revision_options(f: t.Callable[..., None]) -> t.Callable[..., None]:
    """The options that ``revision`` and ``migrate`` share."""
    for option in reversed(
        [
            _directory,
            _message,
            _sql,
            click.option(
                "--head",
                default="head",
                show_default=True,
                help="The revision the new one follows, or BRANCH@head.",
            ),
            click.option(
                "--splice",
                is_flag=True,
                help="Let --head name a revision that is not a head.",
            ),
            _branch_label,
            click.option(
                "--version-path", default=None, help="The version folder for the file."
            ),
            _rev_id,
        ]
    ):
        f = option(f)
    return f


def _run(function: t.Callable[..., None], /, **kwargs: t.Any) -> None:
    """Call a command function, by default on the group's folder; report its error."""
    if "directory" in kwargs and kwargs["directory"] is None:
        kwargs["directory"] = click.get_current_context().meta.get(_DIRECTORY_KEY)
    try:
        function(**kwargs)
    except MigrationError as e:
        raise click.ClickException(str(e)) from e


@click.command("list-templates")
@with_appcontext
def list_templates_command() -> None:
    """List the templates 'init' can copy."""
    _run(commands.list_templates)


@click.command("init")
@_directory
@click.option("--multidb", is_flag=True, help="Migrate every bind, not one database.")
@click.option(
    "-t",
    "--template",
    default=None,
    help="A name from 'list-templates', or a template folder.  [default: vial]",
)
@click.option("--package", is_flag=True, help="Write __init__.py files too.")
@with_appcontext
def init_command(
    directory: str | None, multidb: bool, template: str | None, package: bool
) -> None:
    """Create the migrations folder."""
    _run(
        commands.init,
        directory=directory,
        multidb=multidb,
        template=template,
        package=package,
    )


@click.command("revision")
@_new_revision_options
@click.option(
    "--autogenerate", is_flag=True, help="Fill it with what changed in the models."
)
@with_appcontext
def revision_command(autogenerate: bool, **kwargs: t.Any) -> None:
    """Write a new revision file (empty unless --autogenerate)."""
    _run(commands.revision, autogenerate=autogenerate, **kwargs)


@click.command("migrate")
@_new_revision_options
@_x_arg
@with_appcontext
def migrate_command(**kwargs: t.Any) -> None:
    """Write a revision holding what changed in the models."""
    _run(commands.migrate, **kwargs)


@click.command("edit")
@_directory
@click.argument("revision", default="head")
@with_appcontext
def edit_command(directory: str | None, revision: str) -> None:
    """Open a revision file in $EDITOR."""
    _run(commands.edit, directory=directory, revision=revision)


@click.command("merge")
@_directory
@_message
@_branch_label
@_rev_id
@click.argument("revisions", nargs=-1)
@with_appcontext
def merge_command(revisions: tuple[str, ...], **kwargs: t.Any) -> None:
    """Write a revision joining REVISIONS ('heads': every head)."""
    _run(commands.merge, revisions=list(revisions), **kwargs)


@click.command("upgrade")
@_directory
@_sql
@_tag
@_x_arg
@click.argument("revision", default="head")
@with_appcontext
def upgrade_command(**kwargs: t.Any) -> None:
    """Apply the revisions up to REVISION (default: every one)."""
    _run(commands.upgrade, **kwargs)


@click.command("downgrade")
@_directory
@_sql
@_tag
@_x_arg
@click.argument("revision", default="-1")
@with_appcontext
def downgrade_command(**kwargs: t.Any) -> None:
    """Undo the revisions down to REVISION (default: the last one; 'base': all)."""
    _run(commands.downgrade, **kwargs)


@click.command("show")
@_directory
@click.argument("revision", default="head")
@with_appcontext
def show_command(directory: str | None, revision: str) -> None:
    """Show a revision (default: the newest)."""
    _run(commands.show, directory=directory, revision=revision)


@click.command("history")
@_directory
@click.option("-r", "--rev-range", default=None, help="Only START:END.")
@_verbose
@click.option(
    "-i", "--indicate-current", is_flag=True, help="Mark the database's revision."
)
@with_appcontext
def history_command(**kwargs: t.Any) -> None:
    """List the revisions, newest first."""
    _run(commands.history, **kwargs)


@click.command("heads")
@_directory
@_verbose
@click.option(
    "--resolve-dependencies",
    is_flag=True,
    help="Count a revision others depend on as a head.",
)
@with_appcontext
def heads_command(**kwargs: t.Any) -> None:
    """Show the newest revision of each branch."""
    _run(commands.heads, **kwargs)


@click.command("branches")
@_directory
@_verbose
@with_appcontext
def branches_command(**kwargs: t.Any) -> None:
    """Show where the history splits into branches."""
    _run(commands.branches, **kwargs)


@click.command("current")
@_directory
@_verbose
@with_appcontext
def current_command(**kwargs: t.Any) -> None:
    """Show the database's revision."""
    _run(commands.current, **kwargs)


@click.command("stamp")
@_directory
@_sql
@_tag
@click.option(
    "--purge",
    is_flag=True,
    help="Clear the recorded revisions first, even unknown ones.",
)
@click.argument("revision", default="head")
@with_appcontext
def stamp_command(**kwargs: t.Any) -> None:
    """Record REVISION as the database's revision, running no migration."""
    _run(commands.stamp, **kwargs)


@click.command("check")
@_directory
@with_appcontext
def check_command(directory: str | None) -> None:
    """Fail if the models changed since the newest revision."""
    _run(commands.check, directory=directory)


#: Every migration command, in the order of Flask-Migrate's.
COMMANDS: tuple[click.Command, ...] = (
    list_templates_command,
    init_command,
    revision_command,
    migrate_command,
    edit_command,
    merge_command,
    upgrade_command,
    downgrade_command,
    show_command,
    history_command,
    heads_command,
    branches_command,
    current_command,
    stamp_command,
    check_command,
)


def make_migration_group(name: str) -> click.Group:
    """Build the group holding every migration command, named ``name``."""

    @click.group(name, cls=AppGroup)
    @_directory
    @_x_arg
    @click.pass_context
    def group(
        ctx: click.Context, directory: str | None, x_arg: tuple[str, ...]
    ) -> None:
        """Create the tables, or migrate the database schema with Alembic.

        Start with 'init'; then 'migrate' writes a revision from the models
        and 'upgrade' applies it.
        """
        ctx.meta[_DIRECTORY_KEY] = directory
        ctx.meta[X_ARG_KEY] = x_arg

    for command in COMMANDS:
        group.add_command(command)
    return group


def add_migration_commands(app: Vial, name: str) -> None:
    """Add the migration group to ``app.cli`` as ``name``, taking over the
    commands of a group already there."""
    group = make_migration_group(name)
    existing = app.cli.commands.get(name)
    if isinstance(existing, click.Group):
        for command_name, command in existing.commands.items():
            if command_name not in group.commands:
                group.add_command(command, command_name)
    app.cli.add_command(group)
