"""Creating roles and granting them to users, with signals.

These functions are what ``vial roles ...`` runs, and what an admin page of
the app calls. Each one commits the datastore, then sends its signal, so a
receiver sees only changes that took effect.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app

from .datastore import check_name
from .datastore import check_permissions
from .signals import role_granted
from .signals import role_revoked
from .state import get_datastore

if t.TYPE_CHECKING:
    from .role import RoleMixin


def find_role(role: str | RoleMixin) -> RoleMixin:
    """Return the stored role named ``role`` (a name, or a role object).

    :raises LookupError: the datastore has no role of that name; the message
        says how to create it.
    """
    name = role if isinstance(role, str) else role.name
    found = get_datastore().find_role(name)
    if found is None:
        raise LookupError(
            f"There is no role named {name!r}. Create it first, for example"
            f" with: vial roles create {name}"
        )
    return found


def create_role(
    name: str, description: str = "", permissions: t.Iterable[str] | str = ()
) -> RoleMixin:
    """Create a role in the current app's datastore, commit and return it.

    :param name: the unique name; no whitespace or commas.
    :param description: what the role is for.
    :param permissions: permission names, or one comma-separated string.
    :raises ValueError: the name or a permission name is not valid, or a
        role of that name exists already.
    """
    check_name(name)
    granted = check_permissions(permissions)
    datastore = get_datastore()
    if datastore.find_role(name) is not None:
        raise ValueError(f"A role named {name!r} exists already.")
    role = datastore.create_role(name, description, sorted(granted))
    datastore.commit()
    return role


def grant_role(user: t.Any, role: str | RoleMixin) -> bool:
    """Give ``role`` to ``user`` and commit; return whether it was new.

    Sends :data:`~vial_roles.signals.role_granted` when the user did not
    hold the role before.

    :raises LookupError: there is no role of that name.
    """
    return _change_role(user, role, grant=True)


def revoke_role(user: t.Any, role: str | RoleMixin) -> bool:
    """Take ``role`` from ``user`` and commit; return whether they held it.

    The user loses the role on their next request, in every worker process.
    Sends :data:`~vial_roles.signals.role_revoked` when the user held it.

    :raises LookupError: there is no role of that name.
    """
    return _change_role(user, role, grant=False)


def _change_role(user: t.Any, role: str | RoleMixin, *, grant: bool) -> bool:
    found = find_role(role)
    datastore = get_datastore()
    change = datastore.add_role_to_user if grant else datastore.remove_role_from_user
    if not change(user, found):
        return False
    datastore.commit()
    # After the commit: receivers (audit logs) see only what took effect.
    signal = role_granted if grant else role_revoked
    signal.send(get_app(), user=user, role=found)
    return True
