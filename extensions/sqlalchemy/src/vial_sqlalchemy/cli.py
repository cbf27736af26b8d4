"""The ``vial db`` command group: create and drop the tables of every model.

``init_app`` adds the group to ``app.cli``. Its commands run inside an
application context of the app ``vial`` loaded.

``vial db create``
    Create the tables that do not exist yet, in every bind (or only the
    ones named with ``--bind``).
``vial db drop``
    Drop the tables of every bind (or of the ones named with ``--bind``),
    after asking for confirmation; ``--yes`` skips the question.
"""

from __future__ import annotations

import typing as t

import click

from vial import current_app
from vial.cli import AppGroup

if t.TYPE_CHECKING:
    from .extension import SQLAlchemy

_BIND_HELP = (
    "Only this bind key; repeat for several. '' names the default database."
    "  [default: every bind]"
)


def _db() -> SQLAlchemy:
    return t.cast("SQLAlchemy", current_app.extensions["sqlalchemy"].db)


def _bind_keys(binds: tuple[str, ...]) -> str | list[str | None]:
    if not binds:
        return "__all__"
    return [key or None for key in binds]


def _describe(binds: tuple[str, ...]) -> str:
    if not binds:
        return "every bind"
    return ", ".join(repr(key) if key else "the default database" for key in binds)


def make_cli() -> click.Group:
    """Build the ``db`` command group that ``init_app`` adds to ``app.cli``."""
    group = AppGroup("db", help="Create or drop the database tables of the models.")

    @group.command("create")
    @click.option("--bind", "binds", multiple=True, metavar="KEY", help=_BIND_HELP)
    def create_command(binds: tuple[str, ...]) -> None:
        """Create the tables that do not exist yet."""
        _db().create_all(bind_key=_bind_keys(binds))
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
        _db().drop_all(bind_key=_bind_keys(binds))
        click.echo(f"Dropped the tables of {_describe(binds)}.")

    return group
