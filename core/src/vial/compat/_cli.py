"""``flask.cli.FlaskGroup``, kept apart so the switch imports click only when
Flask code asks for its command line."""

from __future__ import annotations

from vial.cli import VialGroup


class FlaskGroup(VialGroup):
    """:class:`~vial.cli.VialGroup` under its Flask name.

    The options of its commands are also read from ``FLASK_<COMMAND>_<OPTION>``
    environment variables, as with Flask; ``FLASK_APP`` and ``VIAL_APP``
    both name the app.
    """

    envvar_prefix = "FLASK"
