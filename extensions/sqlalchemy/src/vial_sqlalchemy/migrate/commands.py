"""The migration commands as functions, for code and tests: the API of Flask-Migrate.

Each function works on the current app (call it inside an application
context, a view or a CLI command) and its migrations folder, or the
``directory`` it is given. What the commands report, Alembic prints to
standard output and logs to the ``alembic`` logger. A command that cannot
run raises :class:`~vial_sqlalchemy.migrate.MigrationError`, whose message
says what to do; the ``vial db`` commands print it and exit with status 1.

.. code-block:: python

    from vial_sqlalchemy.migrate import upgrade

    with app.app_context():
        upgrade()  # apply every revision not applied yet
"""

from __future__ import annotations

import os
import typing as t

from .errors import alembic_errors
from .errors import command_line
from .errors import MigrationError
from .options import command_options
from .state import STATE

if t.TYPE_CHECKING:
    from .alembic_config import Config

#: Flask-Migrate's template names, accepted for the templates standing in for them.
_FLASK_TEMPLATES = {"flask": "vial", "flask-multidb": "vial-multidb"}


def _config(
    directory: str | os.PathLike[str] | None,
    *,
    x_arg: str | t.Sequence[str] | None = None,
    opts: t.Iterable[str] | None = None,
) -> Config:
    """Return the configuration of the current app's migrations folder.

    :raises MigrationError: The folder does not exist.
    """
    state = STATE.get()
    folder = str(directory if directory is not None else state.directory)
    config = state.migrate.get_config(folder, x_arg=x_arg, opts=opts)
    location = config.get_main_option("script_location")
    # A configure callback may point elsewhere, where the check is Alembic's.
    if location == folder.replace("%", "%%") and not os.path.isdir(folder):
        raise MigrationError(
            f"There is no migrations folder at {os.path.abspath(folder)!r}."
            f" Create it with '{command_line('init')}' (init() in code), or"
            " name the folder of the project with --directory."
        )
    return config


@alembic_errors
def list_templates() -> None:
    """Print the templates that :func:`init` can copy, with their summaries."""
    from .alembic_config import Config

    config = Config()
    folder = config.get_template_directory()
    config.print_stdout("Templates for '%s --template NAME':\n", command_line("init"))
    for name in sorted(os.listdir(folder)):
        readme = os.path.join(folder, name, "README")
        if not os.path.isfile(readme):
            continue
        with open(readme, encoding="utf-8") as f:
            summary = f.readline().strip()
        config.print_stdout("%s - %s", name, summary)


@alembic_errors
def init(
    directory: str | os.PathLike[str] | None = None,
    multidb: bool = False,
    template: str | None = None,
    package: bool = False,
) -> None:
    """Create the migrations folder from a template.

    :param directory: The folder to create; by default the app's.
    :param multidb: Use the ``vial-multidb`` template, which migrates every
        bind, instead of ``vial``.
    :param template: A template name from :func:`list_templates`, or the path
        of a template folder of the project's own.
    :param package: Also write ``__init__.py`` files, making the folder and
        its ``versions`` folder packages.
    """
    from alembic import command

    from .alembic_config import Config

    state = STATE.get()
    folder = str(directory if directory is not None else state.directory)
    template_directory = None
    if template is not None and ("/" in template or os.sep in template):
        template_directory, template = os.path.split(template.rstrip("/" + os.sep))
    elif template is not None:
        template = _FLASK_TEMPLATES.get(template, template)
    else:
        template = "vial-multidb" if multidb else "vial"
    config = Config(
        os.path.join(folder, "alembic.ini"),
        template_directory=template_directory,
        cmd_opts=command_options(),
    )
    config.set_main_option("script_location", folder.replace("%", "%%"))
    config = state.migrate.call_configure_callbacks(config)
    command.init(config, folder, template=template, package=package)
    config.print_stdout(
        "The app gives the database and the models, so alembic.ini can stay as"
        " it is. Write the first revision with '%s -m MESSAGE'.",
        command_line("migrate"),
    )


@alembic_errors
def revision(
    directory: str | os.PathLike[str] | None = None,
    message: str | None = None,
    autogenerate: bool = False,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
) -> None:
    """Write a new revision file, empty or (with ``autogenerate``) from the models.

    :param message: The revision's message, also in its file name.
    :param autogenerate: Fill the revision with the differences between the
        models and the database, like :func:`migrate`.
    :param sql: Print the SQL instead of connecting (no autogenerate).
    :param head: The revision the new one follows, or ``<branch>@head``.
    :param splice: Allow ``head`` not to be a head, starting a branch.
    :param branch_label: A label for the branch the revision starts.
    :param version_path: The folder for the file, one of the version folders.
    :param rev_id: The revision id to use instead of a random one.
    """
    from alembic import command

    opts = ["autogenerate"] if autogenerate else None
    config = _config(directory, opts=opts)
    command.revision(
        config,
        message,
        autogenerate=autogenerate,
        sql=sql,
        head=head,
        splice=splice,
        branch_label=branch_label,
        version_path=version_path,
        rev_id=rev_id,
    )


@alembic_errors
def migrate(
    directory: str | os.PathLike[str] | None = None,
    message: str | None = None,
    sql: bool = False,
    head: str = "head",
    splice: bool = False,
    branch_label: str | None = None,
    version_path: str | None = None,
    rev_id: str | None = None,
    x_arg: str | t.Sequence[str] | None = None,
) -> None:
    """Write a revision holding what changed in the models since the database's
    revision; nothing when nothing changed.

    Takes the arguments of :func:`revision`, and ``x_arg`` for
    ``context.get_x_argument()`` in ``env.py``. The database must be at the
    newest revision.
    """
    from alembic import command

    config = _config(directory, x_arg=x_arg, opts=["autogenerate"])
    command.revision(
        config,
        message,
        autogenerate=True,
        sql=sql,
        head=head,
        splice=splice,
        branch_label=branch_label,
        version_path=version_path,
        rev_id=rev_id,
    )


@alembic_errors
def edit(
    directory: str | os.PathLike[str] | None = None, revision: str = "current"
) -> None:
    """Open a revision file in the editor named by ``$EDITOR`` (or ``$VISUAL``)."""
    from alembic import command

    command.edit(_config(directory), revision)


@alembic_errors
def merge(
    directory: str | os.PathLike[str] | None = None,
    revisions: str | t.Sequence[str] = "",
    message: str | None = None,
    branch_label: str | None = None,
    rev_id: str | None = None,
) -> None:
    """Write a revision that joins several revisions (``"heads"``: every head).

    :param revisions: The revisions to join.
    """
    from alembic import command

    config = _config(directory)
    if not revisions:
        raise MigrationError(
            "Name the revisions to merge, or 'heads' for every head:"
            f" '{command_line('merge')} heads'."
        )
    if not isinstance(revisions, str):
        revisions = list(revisions)
    command.merge(
        config, revisions, message=message, branch_label=branch_label, rev_id=rev_id
    )


@alembic_errors
def upgrade(
    directory: str | os.PathLike[str] | None = None,
    revision: str = "head",
    sql: bool = False,
    tag: str | None = None,
    x_arg: str | t.Sequence[str] | None = None,
) -> None:
    """Apply the revisions up to ``revision`` (by default every one).

    :param revision: A revision id, ``head`` or ``heads``, or a relative
        step such as ``+1``.
    :param sql: Print the SQL instead of running it.
    :param tag: A value for ``context.get_tag_argument()`` in ``env.py``.
    :param x_arg: Values for ``context.get_x_argument()`` in ``env.py``.
    """
    from alembic import command

    command.upgrade(_config(directory, x_arg=x_arg), revision, sql=sql, tag=tag)


@alembic_errors
def downgrade(
    directory: str | os.PathLike[str] | None = None,
    revision: str = "-1",
    sql: bool = False,
    tag: str | None = None,
    x_arg: str | t.Sequence[str] | None = None,
) -> None:
    """Undo the revisions down to ``revision`` (by default the last one);
    ``base`` undoes every one.

    With ``sql``, the SQL of undoing the last revision of the newest one is
    printed (the database is not read, so ``-1`` counts from ``head``).
    """
    from alembic import command

    config = _config(directory, x_arg=x_arg)
    if sql and revision == "-1":
        revision = "head:-1"
    command.downgrade(config, revision, sql=sql, tag=tag)


@alembic_errors
def show(
    directory: str | os.PathLike[str] | None = None, revision: str = "head"
) -> None:
    """Print a revision's id, parents, message and file."""
    from alembic import command

    command.show(_config(directory), revision)


@alembic_errors
def history(
    directory: str | os.PathLike[str] | None = None,
    rev_range: str | None = None,
    verbose: bool = False,
    indicate_current: bool = False,
) -> None:
    """Print the revisions, newest first.

    :param rev_range: Only these, as ``start:end`` (``base:current``).
    :param indicate_current: Mark the database's revision, which reads it.
    """
    from alembic import command

    command.history(
        _config(directory),
        rev_range,
        verbose=verbose,
        indicate_current=indicate_current,
    )


@alembic_errors
def heads(
    directory: str | os.PathLike[str] | None = None,
    verbose: bool = False,
    resolve_dependencies: bool = False,
) -> None:
    """Print the newest revision of each branch."""
    from alembic import command

    command.heads(
        _config(directory), verbose=verbose, resolve_dependencies=resolve_dependencies
    )


@alembic_errors
def branches(
    directory: str | os.PathLike[str] | None = None, verbose: bool = False
) -> None:
    """Print the revisions where the history splits into branches."""
    from alembic import command

    command.branches(_config(directory), verbose=verbose)


@alembic_errors
def current(
    directory: str | os.PathLike[str] | None = None, verbose: bool = False
) -> None:
    """Print the revision the database is at (for each database with binds)."""
    from alembic import command

    command.current(_config(directory), verbose=verbose)


@alembic_errors
def stamp(
    directory: str | os.PathLike[str] | None = None,
    revision: str = "head",
    sql: bool = False,
    tag: str | None = None,
    purge: bool = False,
) -> None:
    """Record ``revision`` as the database's revision without running migrations.

    For a database whose tables were made another way (``db.create_all()``).

    :param purge: Clear the recorded revisions first, even unknown ones.
    """
    from alembic import command

    command.stamp(_config(directory), revision, sql=sql, tag=tag, purge=purge)


@alembic_errors
def check(directory: str | os.PathLike[str] | None = None) -> None:
    """Check that the models need no new revision.

    :raises MigrationError: The models differ from the database at its
        revision; the message lists the differences.
    """
    from alembic import command

    command.check(_config(directory))
