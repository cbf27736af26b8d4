"""The ``vial passwords`` command group."""

from __future__ import annotations

import click

from vial.cli import AppGroup

from .state import STATE


def make_cli() -> click.Group:
    """Build the ``passwords`` command group joined to ``app.cli`` at init_app."""
    group = AppGroup("passwords", help="Hash passwords with the app's settings.")

    @group.command("hash")
    def hash_command() -> None:
        """Read a password twice without echo and print its hash."""
        password = click.prompt(
            "Password", hide_input=True, confirmation_prompt=True, type=str
        )
        state = STATE.get()
        problems = state.policy.validate(password)
        if problems:
            for problem in problems:
                click.echo(problem, err=True)
            raise click.exceptions.Exit(1)
        click.echo(state.hasher.hash_password(password))

    return group
