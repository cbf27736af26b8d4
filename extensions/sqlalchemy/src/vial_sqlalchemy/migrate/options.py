"""How the ``vial db`` group hands its ``-x`` values to Alembic's configuration.

The group stores them in the click context under :data:`X_ARG_KEY`;
:func:`command_options` reads them back when a command builds Alembic's
``config.cmd_opts``.
"""

from __future__ import annotations

import argparse
import typing as t

import click

#: Where the ``vial db`` group keeps its ``-x`` values for :meth:`Migrate.get_config`.
X_ARG_KEY = "vial_sqlalchemy.migrate.x_arg"


def command_options(
    x_arg: str | t.Sequence[str] | None = None, opts: t.Iterable[str] | None = None
) -> argparse.Namespace:
    """Return what Alembic's command line would put in ``config.cmd_opts``.

    ``x`` holds the ``-x`` values given to the ``vial db`` group (in a CLI
    command), then ``x_arg``; each name in ``opts`` is set to ``True``.
    """
    ctx = click.get_current_context(silent=True)
    x_args = list(ctx.meta.get(X_ARG_KEY, ())) if ctx is not None else []
    if isinstance(x_arg, str):
        x_args.append(x_arg)
    elif x_arg is not None:
        x_args.extend(x_arg)
    options = argparse.Namespace(x=x_args)
    for name in opts or ():
        setattr(options, name, True)
    return options
