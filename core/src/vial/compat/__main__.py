"""``python -m vial.compat``: the ``vial`` command with the Flask
compatibility switch on, for apps written for Flask."""

from __future__ import annotations

from . import alias_flask

alias_flask()

from vial.cli import cli  # noqa: E402 (the switch must be on first)

cli.main(prog_name="python -m vial.compat")
