"""The ``vial roles`` command group: create, grant, revoke and list roles.

``USER`` arguments are values of the identifier attribute the app's
datastore finds users by (``email`` unless the datastore was made with
another ``identifier``).
"""

from __future__ import annotations

import typing as t

import click

from vial.cli import AppGroup

from .management import create_role
from .management import find_role
from .management import grant_role
from .management import revoke_role
from .state import get_datastore

if t.TYPE_CHECKING:
    from .role import RoleMixin


_USER_HELP = (
    "USER is the value of the attribute the datastore finds users by (its"
    " identifier, such as an email address)."
)


def _find_user(identifier: str) -> t.Any:
    datastore = get_datastore()
    user = datastore.find_user(identifier)
    if user is None:
        raise click.ClickException(
            f"No user has the {datastore.identifier} {identifier!r}. Users are"
            f" found by their {datastore.identifier}; check the spelling."
        )
    return user


def _find_role(name: str) -> RoleMixin:
    try:
        return find_role(name)
    except LookupError as e:
        raise click.ClickException(str(e)) from None


def _change(user: str, role: str, *, grant: bool) -> None:
    change = grant_role if grant else revoke_role
    if change(_find_user(user), _find_role(role)):
        if grant:
            click.echo(f"Gave the role {role!r} to {user!r}.")
        else:
            click.echo(f"Took the role {role!r} from {user!r}.")
    elif grant:
        click.echo(f"{user!r} already has the role {role!r}; nothing changed.")
    else:
        click.echo(f"{user!r} does not have the role {role!r}; nothing changed.")


def make_cli() -> click.Group:
    """Build the ``roles`` command group joined to ``app.cli`` at init_app."""
    group = AppGroup("roles", help="Create roles and grant them to users.")

    @group.command("create")
    @click.argument("name")
    @click.option(
        "--permissions",
        default="",
        metavar="A,B",
        help="Comma-separated permission names the role grants.",
    )
    @click.option("--description", default="", help="What the role is for.")
    def create_command(name: str, permissions: str, description: str) -> None:
        """Create the role NAME."""
        try:
            role = create_role(name, description, permissions)
        except (TypeError, ValueError) as e:
            raise click.ClickException(str(e)) from None
        click.echo(f"Created the role {role.name!r}.")

    @group.command("add", help=f"Give the role ROLE to the user USER.\n\n{_USER_HELP}")
    @click.argument("user")
    @click.argument("role")
    def add_command(user: str, role: str) -> None:
        _change(user, role, grant=True)

    @group.command(
        "remove", help=f"Take the role ROLE from the user USER.\n\n{_USER_HELP}"
    )
    @click.argument("user")
    @click.argument("role")
    def remove_command(user: str, role: str) -> None:
        _change(user, role, grant=False)

    @group.command("list")
    def list_command() -> None:
        """List the roles, with their permissions and descriptions."""
        roles = get_datastore().list_roles()
        if not roles:
            click.echo("There are no roles yet; create one with: vial roles create")
            return
        for role in roles:
            permissions = ", ".join(sorted(role.permissions)) or "no permissions"
            line = f"{role.name}: {permissions}"
            if role.description:
                line += f" ({role.description})"
            click.echo(line)

    return group
