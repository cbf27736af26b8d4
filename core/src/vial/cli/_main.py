"""The ``vial`` command."""

from __future__ import annotations

import typing as t

import click

from ._dotenv import _dotenv_installed
from ._dotenv import load_dotenv
from ._groups import ScriptInfo
from ._groups import VialGroup


def _set_flask_compat(
    ctx: click.Context, param: click.Parameter, value: t.Any
) -> t.Any:
    if not value:
        return value
    from vial.compat import alias_flask

    alias_flask()
    info = ctx.ensure_object(ScriptInfo)
    if info._dotenv_loaded and info.load_dotenv_defaults and _dotenv_installed():
        # '--env-file' came first on the command line. Loading again adds
        # '.flaskenv' below what is set already, which is its precedence.
        load_dotenv()
    return value


def _flask_compat_option() -> click.Option:
    return click.Option(
        ["--flask-compat"],
        is_flag=True,
        is_eager=True,
        expose_value=False,
        callback=_set_flask_compat,
        help="Run an app written for Flask: 'import flask' gives vial, and"
        " FLASK_APP, FLASK_DEBUG, FLASK_RUN_* and '.flaskenv' are read too.",
    )


#: The ``vial`` command group.
cli = VialGroup(
    name="vial",
    params=[_flask_compat_option()],
    help="""Manage and serve a Vial application.

    The app is named with '--app' or VIAL_APP, or found in a 'wsgi.py' or
    'app.py' file in the current directory.
    """,
)


def main() -> None:
    """Run the ``vial`` command line."""
    cli.main()
