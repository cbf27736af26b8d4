"""The datastore protocol: what vial-roles asks of the storage of roles.

vial-roles never keeps roles itself, neither in memory across requests nor
in the session: every check asks the app's datastore which roles the user
holds *now*. So a role taken away in one worker process is gone for every
worker on its next request, and nothing a client sends can add a role.

Two datastores ship: :class:`~vial_roles.MemoryDatastore` for tests and
examples, and :class:`vial_roles.sqlalchemy.SQLAlchemyDatastore` for
vial-sqlalchemy apps. Other storage plugs in by implementing
:class:`RoleDatastore`.

The names of roles and permissions are checked here, once for every
datastore: ``vial roles create NAME --permissions a,b`` splits on commas and
the SQLAlchemy datastore stores permissions comma-separated, so a name may
hold neither commas nor whitespace.
"""

from __future__ import annotations

import re
import typing as t

if t.TYPE_CHECKING:
    from .role import RoleMixin

#: The longest role or permission name; the SQLAlchemy model's column width.
MAX_NAME_LENGTH = 80

_NAME = re.compile(r"[^\s,]+")


@t.runtime_checkable
class RoleDatastore(t.Protocol):
    """The storage of roles and of which user holds which role.

    Users are found by one identifier attribute, chosen when the datastore
    is made (``email`` by default for both datastores that ship); the CLI's
    ``USER`` arguments are values of that attribute.

    Writes are staged until :meth:`commit`; :func:`vial_roles.grant_role`,
    :func:`vial_roles.revoke_role` and :func:`vial_roles.create_role` commit
    for you.
    """

    #: The name of the user attribute :meth:`find_user` looks users up by.
    identifier: str

    def find_user(self, identifier: str) -> t.Any | None:
        """Return the user whose identifier attribute equals ``identifier``."""

    def find_role(self, name: str) -> RoleMixin | None:
        """Return the role named ``name``, or ``None``."""

    def list_roles(self) -> list[RoleMixin]:
        """Return every role, sorted by name."""

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> RoleMixin:
        """Create and return a role.

        :raises ValueError: a role of that name exists already.
        """

    def get_user_roles(self, user: t.Any) -> list[RoleMixin]:
        """Return the roles ``user`` holds, read from storage on each call."""

    def add_role_to_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Give ``role`` to ``user``; return ``False`` if they held it already."""

    def remove_role_from_user(self, user: t.Any, role: RoleMixin) -> bool:
        """Take ``role`` from ``user``; return ``False`` if they did not hold it."""

    def commit(self) -> None:
        """Store the staged changes."""


def check_name(name: object, what: str = "role") -> str:
    """Return ``name`` if it is a valid role or permission name.

    A valid name is a non-empty string of at most :data:`MAX_NAME_LENGTH`
    characters, without whitespace or commas.

    :param what: ``"role"`` or ``"permission"``, for the error message.
    :raises TypeError: ``name`` is not a string.
    :raises ValueError: ``name`` is empty, too long, or holds whitespace or
        a comma.
    """
    if not isinstance(name, str):
        raise TypeError(
            f"A {what} name must be a string, not {type(name).__name__}: {name!r}."
        )
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"The {what} name {name!r} is not valid. Use a non-empty name"
            " without whitespace or commas, such as 'admin' or 'posts.edit'."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"The {what} name {name[:20]!r}... is {len(name)} characters long."
            f" Use a name of at most {MAX_NAME_LENGTH} characters."
        )
    return name


def check_permissions(permissions: t.Iterable[str] | str) -> frozenset[str]:
    """Return the set of permission names, each checked by :func:`check_name`.

    A string is read as a comma-separated list (``"posts.edit,posts.delete"``),
    as the CLI's ``--permissions`` option gives; empty items are dropped.
    """
    if isinstance(permissions, str):
        items: t.Iterable[object] = [
            item.strip() for item in permissions.split(",") if item.strip()
        ]
    else:
        items = permissions
    return frozenset(check_name(item, "permission") for item in items)
