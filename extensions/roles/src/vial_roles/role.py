"""The shape of a role, apart from the user mixins.

Kept in a module of its own so that the access checks, the datastores and
the user mixins can all name :class:`RoleMixin` without importing each other.
"""

from __future__ import annotations

import typing as t


class RoleMixin:
    """A role: a name, a description and the permissions it grants.

    The datastores' role classes subclass it: :class:`vial_roles.Role` for
    the in-memory datastore, and the app's own model (through
    :class:`vial_roles.sqlalchemy.RoleModelMixin`) for SQLAlchemy.
    """

    #: The unique name, such as ``"admin"``; what ``roles_required`` names.
    name: str
    #: What the role is for, for people; may be empty.
    description: str
    #: The permission names the role grants, such as ``{"posts.edit"}``.
    permissions: t.AbstractSet[str]

    def has_permission(self, permission: str) -> bool:
        """Return whether this role grants ``permission``."""
        return permission in self.permissions
