"""An in-memory datastore, for tests, examples and single-process tools.

It keeps roles and grants in the process that made it, so several worker
processes would each have their own; use the SQLAlchemy datastore (or your
own :class:`~vial_roles.RoleDatastore`) for a deployed app.
"""

from __future__ import annotations

import threading
import typing as t

from .datastore import check_name
from .datastore import check_permissions
from .role import RoleMixin


class Role(RoleMixin):
    """A role of the :class:`MemoryDatastore`.

    :param name: the unique name.
    :param description: what the role is for.
    :param permissions: the permission names it grants.
    """

    def __init__(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> None:
        self.name = check_name(name)
        self.description = description
        self.permissions: frozenset[str] = check_permissions(permissions)

    def __repr__(self) -> str:
        return f"<Role {self.name!r}>"


class MemoryDatastore:
    """Roles and grants kept in this process's memory.

    Users are registered with :meth:`add_user` and found by their
    ``identifier`` attribute. Grants are kept here, by the user's
    identifier, not on the user object: an app whose ``user_loader`` builds
    a new user object on each request sees the same roles.

    :param identifier: the user attribute users are found and keyed by.
    """

    def __init__(self, identifier: str = "email") -> None:
        #: The user attribute users are found and keyed by.
        self.identifier = identifier
        self._users: dict[str, t.Any] = {}
        self._roles: dict[str, Role] = {}
        self._grants: dict[str, set[str]] = {}
        # The development server and tests may run requests in threads.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} roles={sorted(self._roles)!r}>"

    def _key(self, user: t.Any) -> str:
        try:
            return str(getattr(user, self.identifier))
        except AttributeError:
            raise ValueError(
                f"The user {user!r} has no {self.identifier!r} attribute, which"
                " this MemoryDatastore finds users by. Give the user that"
                " attribute, or make the datastore with"
                " MemoryDatastore(identifier='<attribute>')."
            ) from None

    def add_user(self, user: t.Any) -> t.Any:
        """Register ``user`` so that :meth:`find_user` finds it; return it."""
        with self._lock:
            self._users[self._key(user)] = user
        return user

    def find_user(self, identifier: str) -> t.Any | None:
        """Return the registered user whose identifier is ``identifier``."""
        return self._users.get(identifier)

    def find_role(self, name: str) -> Role | None:
        """Return the role named ``name``, or ``None``."""
        return self._roles.get(name)

    def list_roles(self) -> list[RoleMixin]:
        """Return every role, sorted by name."""
        return [self._roles[name] for name in sorted(self._roles)]

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> Role:
        """Create and return a role.

        :raises ValueError: a role of that name exists already.
        """
        role = Role(name, description, permissions)
        with self._lock:
            if name in self._roles:
                raise ValueError(f"A role named {name!r} exists already.")
            self._roles[name] = role
        return role

    def get_user_roles(self, user: t.Any) -> list[RoleMixin]:
        """Return the roles ``user`` holds, sorted by name."""
        key = self._key(user)
        with self._lock:
            names = sorted(self._grants.get(key, ()))
        return [self._roles[name] for name in names if name in self._roles]

    def add_role_to_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Give ``role`` to ``user``; return ``False`` if they held it already.

        :raises ValueError: ``role`` is not a role of this datastore.
        """
        self._check_known(role)
        with self._lock:
            held = self._grants.setdefault(self._key(user), set())
            if role.name in held:
                return False
            held.add(role.name)
        return True

    def remove_role_from_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Take ``role`` from ``user``; return ``False`` if they did not hold it."""
        with self._lock:
            held = self._grants.get(self._key(user), set())
            if role.name not in held:
                return False
            held.discard(role.name)
        return True

    def commit(self) -> None:
        """Do nothing: changes take effect at once."""

    def _check_known(self, role: RoleMixin) -> None:
        if self._roles.get(role.name) is not role:
            raise ValueError(
                f"The role {role.name!r} is not a role of this datastore. Create"
                " it with create_role() and use the role it returns."
            )
