"""The ``vial users`` command group: create, activate, deactivate, reset
access, list.

.. code-block:: console

    $ vial users create ann@example.com --role admin --active
    Password:
    Repeat for confirmation:
    Created the user 'ann@example.com' (active, confirmed), with the roles admin.
    $ vial users deactivate ann@example.com
    $ vial users reset-access ann@example.com
    $ vial users list

``EMAIL`` is found whatever its case. Every change commits, and sends its
signal, like the same change made through the views.
"""

from __future__ import annotations

import typing as t
from datetime import datetime
from datetime import timezone

import click

from vial.cli import AppGroup
from vial.ext import get_app
from vial_passwords import validate_password
from vial_roles import grant_role

from .datastore import DuplicateEmailError
from .passwords import reset_access
from .registration import register_user
from .signals import user_activated
from .signals import user_deactivated
from .state import get_datastore


def _find_user(email: str) -> t.Any:
    user = get_datastore().find_user(email=email)
    if user is None:
        raise click.ClickException(
            f"No user has the e-mail address {email!r}; 'vial users list' shows"
            " them all."
        )
    return user


def _describe(user: t.Any) -> str:
    state = "active" if user.active else "inactive"
    confirmed = "confirmed" if user.confirmed_at is not None else "not confirmed"
    return f"{state}, {confirmed}"


def make_cli() -> click.Group:
    """Build the ``users`` command group joined to ``app.cli`` at init_app."""
    group = AppGroup("users", help="Create and manage the accounts of users.")

    @group.command("create")
    @click.argument("email")
    @click.option(
        "--password",
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="The password; asked for (without echo) when left out.",
    )
    @click.option(
        "--role",
        "roles",
        multiple=True,
        metavar="NAME",
        help="A role to give the user; repeat for several. It must exist.",
    )
    @click.option(
        "--active/--inactive",
        default=False,
        help="Whether the user may log in at once (inactive by default).",
    )
    @click.option(
        "--confirmed/--unconfirmed",
        default=True,
        help="Whether the e-mail address counts as confirmed (it does by default).",
    )
    def create_command(
        email: str, password: str, roles: tuple[str, ...], active: bool, confirmed: bool
    ) -> None:
        """Create a user with the e-mail address EMAIL."""
        datastore = get_datastore()
        missing = [name for name in roles if datastore.find_role(name) is None]
        if missing:
            raise click.ClickException(
                f"There is no role named {missing[0]!r}. Create it first: vial"
                f" roles create {missing[0]}"
            )
        problems = validate_password(password)
        if problems:
            raise click.ClickException(" ".join(problems))
        fields: dict[str, t.Any] = {"active": active}
        if confirmed:
            fields["confirmed_at"] = datetime.now(timezone.utc)
        try:
            user = register_user(email, password, **fields)
        except DuplicateEmailError:
            raise click.ClickException(
                f"A user with the e-mail address {email!r} exists already."
            ) from None
        except ValueError as e:  # not a valid address
            raise click.ClickException(str(e)) from None
        for name in roles:
            grant_role(user, name)
        with_roles = f", with the roles {', '.join(roles)}" if roles else ""
        click.echo(f"Created the user {user.email!r} ({_describe(user)}){with_roles}.")

    @group.command("activate")
    @click.argument("email")
    def activate_command(email: str) -> None:
        """Let the user EMAIL log in again."""
        _set_active(email, active=True)

    @group.command("deactivate")
    @click.argument("email")
    def deactivate_command(email: str) -> None:
        """Keep the user EMAIL from logging in, and end their logins and tokens."""
        _set_active(email, active=False)

    @group.command("reset-access")
    @click.argument("email")
    def reset_access_command(email: str) -> None:
        """End every session, remember-me cookie and API token of the user EMAIL."""
        user = _find_user(email)
        reset_access(user)
        click.echo(
            f"Every session, remember-me cookie and API token of {user.email!r}"
            " stopped working."
        )

    @group.command("list")
    def list_command() -> None:
        """List the users, with their state and roles."""
        datastore = get_datastore()
        users = datastore.list_users()
        if not users:
            click.echo("There are no users yet; create one with: vial users create")
            return
        for user in users:
            roles = ", ".join(role.name for role in datastore.get_user_roles(user))
            line = f"{user.email} ({_describe(user)})"
            if roles:
                line += f" roles: {roles}"
            click.echo(line)

    return group


def _set_active(email: str, *, active: bool) -> None:
    datastore = get_datastore()
    user = _find_user(email)
    change = datastore.activate_user if active else datastore.deactivate_user
    if not change(user):
        word = "active" if active else "inactive"
        click.echo(f"{user.email!r} is {word} already; nothing changed.")
        return
    datastore.commit()
    signal = user_activated if active else user_deactivated
    signal.send(get_app(), user=user)
    word = "activated" if active else "deactivated"
    click.echo(f"{user.email!r} is {word}.")
