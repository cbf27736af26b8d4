"""The ``vial tokens`` commands: revoke an opaque token, purge dead ones.

``TokenAuth.init_app`` adds the group to the app's ``vial`` command.
"""

from __future__ import annotations

from datetime import timedelta

import click

from vial.cli import AppGroup
from vial.ext import get_app

from .state import STATE
from .store import utcnow


def make_cli() -> click.Group:
    """Return the ``tokens`` command group."""
    group = AppGroup("tokens", help="Manage the opaque API tokens of the app.")

    @group.command("revoke")
    @click.argument("token_id")
    def revoke_command(token_id: str) -> None:
        """Revoke the opaque token with id TOKEN_ID (or the token itself)."""
        auth = STATE.get(get_app()).auth
        if not auth.revoke_token(token_id):
            raise click.ClickException(
                f"There is no live token with the id {token_id!r}; it is unknown"
                " or already revoked."
            )
        click.echo(f"Revoked the token {token_id}.")

    @group.command("purge")
    @click.option(
        "--days",
        type=click.IntRange(min=0),
        default=30,
        show_default=True,
        help="Keep tokens that were revoked or expired fewer days ago.",
    )
    def purge_command(days: int) -> None:
        """Delete the records of tokens revoked or expired some days ago."""
        store = STATE.get(get_app()).store
        if store is None:
            raise click.ClickException(
                "This app has no token store, so there is nothing to purge. Pass"
                " one to TokenAuth(app, store=...)."
            )
        count = store.purge(utcnow() - timedelta(days=days))
        click.echo(f"Deleted {count} token record{'s' if count != 1 else ''}.")

    return group
