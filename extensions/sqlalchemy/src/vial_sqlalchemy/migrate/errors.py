"""The one error of the migration commands, and the Alembic import behind them.

Alembic is an optional dependency (``vial-sqlalchemy[migrate]``), imported
when a command first runs, not when :mod:`vial_sqlalchemy.migrate` is
imported. :func:`alembic_errors` wraps each command of
:mod:`vial_sqlalchemy.migrate.commands`: it imports Alembic, or says how to
install it, and turns Alembic's ``CommandError`` into a
:class:`MigrationError` whose message says what to do next.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import re
import typing as t

from .state import STATE

P = t.ParamSpec("P")
R = t.TypeVar("R")


class MigrationError(RuntimeError):
    """A migration command could not run; the message says why and what to do.

    The ``vial db`` commands print the message and exit with status 1. The
    Alembic error behind it, if any, is the ``__cause__``.
    """


def _installed_alembic_version() -> tuple[int, ...]:
    try:
        version = importlib.metadata.version("alembic")
    except importlib.metadata.PackageNotFoundError:
        return ()
    parts = re.findall(r"^\d+|(?<=\.)\d+", version)
    return tuple(int(part) for part in parts[:3])


#: The installed Alembic's version as numbers, ``(1, 13, 1)``; ``()`` when it
#: is not installed. Read from its metadata, so Alembic is not imported.
#: Flask-Migrate's name, for code that checks it.
alembic_version = _installed_alembic_version()


def require_alembic() -> None:
    """Import Alembic, or raise a :class:`MigrationError` saying how to install it."""
    try:
        importlib.import_module("alembic.command")
    except ImportError as e:
        raise MigrationError(
            "Migrations need Alembic, which is not installed. Install it with"
            " 'pip install \"vial-sqlalchemy[migrate]\"'."
        ) from e


def command_line(name: str) -> str:
    """Return the command line that runs ``name`` in the current app's group.

    ``command_line("init")`` is ``"vial db init"`` for ``Migrate(command="db")``.
    """
    state = STATE.find()
    group = state.command if state is not None else "db"
    return f"vial {group} {name}"


#: Alembic messages, and what to do about each.
_HINTS = [
    (
        re.compile(r"Can't locate revision|No such revision|not a valid revision"),
        "'{history}' lists the revisions of the migrations folder.",
    ),
    (
        re.compile(r"Multiple head revisions"),
        "Join the heads with '{merge} heads', or name one head.",
    ),
    (
        re.compile(r"Target database is not up to date"),
        "Apply the pending revisions with '{upgrade}' first.",
    ),
    (
        re.compile(r"New upgrade operations detected"),
        "Write a revision for them with '{migrate}', then apply it with '{upgrade}'.",
    ),
]


def explain(error: Exception) -> str:
    """Return the message of an Alembic error, with the command that fixes it."""
    message = str(error).strip()
    if message and message[-1] not in ".!?":
        message += "."
    for pattern, hint in _HINTS:
        if pattern.search(message):
            names = ("history", "merge", "upgrade", "migrate")
            lines = {name: command_line(name) for name in names}
            return f"{message} {hint.format(**lines)}"
    return message


def alembic_errors(function: t.Callable[P, R]) -> t.Callable[P, R]:
    """Import Alembic before ``function`` runs, and raise its command errors
    as :class:`MigrationError`."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        require_alembic()
        from alembic.util import CommandError

        try:
            return function(*args, **kwargs)
        except CommandError as e:
            raise MigrationError(explain(e)) from e

    return run
