"""The ``vial db`` command group: create and drop the tables of every model.

``init_app`` adds the group to ``app.cli`` with :func:`add_commands`, which
shares the ``db`` group with the migration commands of
:class:`~vial_sqlalchemy.migrate.Migrate` in whichever order the two are set
up. Its commands run inside an application context of the app ``vial``
loaded.

``vial db create``
    Create the tables that do not exist yet, in every bind (or only the
    ones named with ``--bind``).
``vial db drop``
    Drop the tables of every bind (or of the ones named with ``--bind``),
    after asking for confirmation; ``--yes`` skips the question.

:func:`add_models_to_shell` is the shell context processor that puts ``db``
and every model into ``vial shell`` (Flask-SQLAlchemy's name for it).
"""

from __future__ import annotations

import typing as t

import click

from vial.cli import AppGroup

from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial

_BIND_HELP = (
    "Only this bind key; repeat for several. '' names the default database."
    "  [default: every bind]"
)


def add_models_to_shell() -> dict[str, t.Any]:
    """Return ``db`` and every model by class name, for ``vial shell``.

    ``init_app`` registers it as a shell context processor unless the
    extension was made with ``add_models_to_shell=False``.
    """
    db = STATE.get().db
    names: dict[str, t.Any] = {
        mapper.class_.__name__: mapper.class_ for mapper in db.Model.registry.mappers
    }
    names["db"] = db
    return names


def _bind_keys(binds: tuple[str, ...]) -> str | list[str | None]:
    if not binds:
        return "__all__"
    return [key or None for key in binds]


def _describe(binds: tuple[str, ...]) -> str:
    if not binds:
        return "every bind"
    return ", ".join(repr(key) if key else "the default database" for key in binds)


def add_commands(app: Vial, group: click.Group) -> None:
    """Add ``group`` to ``app.cli``, or its commands to the group already there.

    A group of the same name that ``app.cli`` already holds (the migration
    commands, or the app's own ``db`` group) keeps its options and commands
    and gains those of ``group`` it lacks.
    """
    assert group.name is not None
    existing = app.cli.commands.get(group.name)
    if not isinstance(existing, click.Group):
        app.cli.add_command(group)
        return
    for name, command in group.commands.items():
        if name not in existing.commands:
            existing.add_command(command, name)


def make_cli() -> click.Group:
    """Build the ``db`` command group that ``init_app`` adds to ``app.cli``."""
    group = AppGroup("db", help="Create or drop the database tables of the models.")

    @group.command("create")
    @click.option("--bind", "binds", multiple=True, metavar="KEY", help=_BIND_HELP)
    def create_command(binds: tuple[str, ...]) -> None:
        """Create the tables that do not exist yet."""
        STATE.get().db.create_all(bind_key=_bind_keys(binds))
        click.echo(f"Created the tables of {_describe(binds)}.")

    @group.command("drop")
    @click.option("--bind", "binds", multiple=True, metavar="KEY", help=_BIND_HELP)
    @click.option("--yes", "-y", is_flag=True, help="Drop without asking first.")
    def drop_command(binds: tuple[str, ...], yes: bool) -> None:
        """Drop the tables, and every row in them."""
        if not yes:
            click.confirm(
                f"Drop every table of {_describe(binds)}? All their data will be lost.",
                abort=True,
            )
        STATE.get().db.drop_all(bind_key=_bind_keys(binds))
        click.echo(f"Dropped the tables of {_describe(binds)}.")

    return group
