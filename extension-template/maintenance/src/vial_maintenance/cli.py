"""The ``vial maintenance`` command group: ``on``, ``off`` and ``status``.

The commands change the switch file, so they work from any shell on the
machine while the app keeps running; every worker process sees the change
at its next request.
"""

from __future__ import annotations

import click

from vial.cli import AppGroup

from .state import STATE
from .switch import current_notice
from .switch import switch_off
from .switch import switch_on


def make_cli() -> click.Group:
    """Build the command group that ``init_app`` adds to ``app.cli``."""
    group = AppGroup(STATE.name, help="Put the app in maintenance and take it out.")

    @group.command("on")
    @click.option(
        "--message", "-m", help="What visitors read, instead of MAINTENANCE_MESSAGE."
    )
    def on_command(message: str | None) -> None:
        """Turn maintenance on for every worker process of the app."""
        notice = switch_on(message)
        click.echo(f"Maintenance is on: {notice.message}")

    @group.command("off")
    def off_command() -> None:
        """Turn maintenance off, unless MAINTENANCE_ENABLED keeps it on."""
        removed = switch_off()
        if STATE.get().always_on:
            click.echo(
                "MAINTENANCE_ENABLED is on in the app's config, so the app stays"
                " in maintenance; turn that setting off and restart the app.",
                err=True,
            )
            raise click.exceptions.Exit(1)
        click.echo("Maintenance is off." if removed else "Maintenance was not on.")

    @group.command("status")
    def status_command() -> None:
        """Say whether the app is in maintenance, since when and why."""
        notice = current_notice()
        if notice is None:
            click.echo("Maintenance is off.")
        elif notice.since is None:
            click.echo(f"Maintenance is on (MAINTENANCE_ENABLED): {notice.message}")
        else:
            since = notice.since.strftime("%Y-%m-%d %H:%M:%S UTC")
            click.echo(f"Maintenance is on since {since}: {notice.message}")

    return group
