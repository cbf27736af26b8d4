"""The user datastore: what vial-accounts asks of the storage of users.

A datastore keeps users, their roles (it is a vial-roles datastore too, so
``roles_required`` reads the same storage) and the counters of the login
lockout and the rate limits. Two ship: :class:`~vial_accounts.sqlalchemy.
SQLAlchemyUserDatastore` for vial-sqlalchemy apps, and
:class:`~vial_accounts.MemoryUserDatastore` for tests and examples. Other
storage plugs in by implementing :class:`UserDatastore`;
:class:`UserDatastoreMixin` holds what every datastore does the same way.

Writes are staged until :meth:`UserDatastore.commit`. The counters are the
exception: each counter operation takes effect at once, in a transaction of
its own, so a failed login is counted even when the request's own work is
rolled back, and every worker process and machine sees the same count.
"""

from __future__ import annotations

import typing as t

from vial_tokens import new_alt_id

from .addresses import normalize_email

if t.TYPE_CHECKING:
    from vial_roles import RoleMixin


class Count(t.NamedTuple):
    """A counter's state: how many events in the current window, and when."""

    #: Events counted in the window.
    hits: int
    #: When the window started (the first event), in seconds since the epoch.
    first_at: float
    #: When the last event was counted.
    last_at: float


class DuplicateEmailError(ValueError):
    """A user with that e-mail address exists already.

    Raised by :meth:`UserDatastore.create_user`, also when another request
    created the address at the same moment (the unique constraint decided).
    The datastore's pending changes are rolled back.
    """


@t.runtime_checkable
class UserDatastore(t.Protocol):
    """The storage of users, roles and counters.

    Users are looked up by e-mail address (:attr:`identifier` is
    ``"email"``), by ``fs_uniquifier`` (sessions and tokens) or by primary
    key. E-mail addresses are stored normalised
    (:func:`~vial_accounts.addresses.normalize_email`) and compared in that
    form, so lookups ignore case.
    """

    #: The user attribute vial-roles' CLI finds users by.
    identifier: str

    def find_user(self, identifier: str | None = None, /, **attrs: t.Any) -> t.Any:
        """Return the user whose attributes equal ``attrs``, or ``None``.

        A positional argument is an e-mail address. ``email`` is normalised
        before the lookup; an address that cannot be normalised finds no one.
        """

    def list_users(self) -> list[t.Any]:
        """Return every user, ordered by e-mail address."""

    def create_user(self, **fields: t.Any) -> t.Any:
        """Stage a new user made from ``fields`` and return it.

        ``email`` is required and normalised; ``password`` is the *hash*
        (:func:`vial_passwords.hash_password`), never the password;
        ``fs_uniquifier`` gets a new random value unless given; ``active``
        is true unless given; ``roles`` (names or role objects) are granted.

        :raises DuplicateEmailError: the address has an account already.
        """

    def put(self, user: t.Any) -> t.Any:
        """Stage the changes made to ``user``; return it."""

    def delete_user(self, user: t.Any) -> None:
        """Stage the deletion of ``user``."""

    def activate_user(self, user: t.Any) -> bool:
        """Activate ``user``; return ``False`` if they were active already."""

    def deactivate_user(self, user: t.Any) -> bool:
        """Deactivate ``user``; return ``False`` if they were inactive already."""

    def set_uniquifier(self, user: t.Any, uniquifier: str | None = None) -> None:
        """Give ``user`` a new ``fs_uniquifier`` (random unless given)."""

    def find_role(self, name: str) -> RoleMixin | None:
        """Return the role named ``name``, or ``None``."""

    def list_roles(self) -> list[RoleMixin]:
        """Return every role, sorted by name."""

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> RoleMixin:
        """Stage a new role and return it."""

    def find_or_create_role(self: _Storage, name: str, **fields: t.Any) -> RoleMixin:
        """Return the role named ``name``, staging it first if it is missing."""

    def get_user_roles(self, user: t.Any) -> list[RoleMixin]:
        """Return the roles ``user`` holds, read from storage on each call."""

    def add_role_to_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Give ``role`` (a name or a role) to ``user``; ``False`` if held."""

    def remove_role_from_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Take ``role`` from ``user``; ``False`` if they did not hold it."""

    def commit(self) -> None:
        """Store the staged changes."""

    def rollback(self) -> None:
        """Drop the staged changes."""

    def hit_counter(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` and return the counter, at once.

        The counter restarts at 1 when its window (``window`` seconds from
        its first event) is over.
        """

    def peek_counter(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over."""

    def reset_counter(self, key: str) -> None:
        """Forget the counter of ``key``, at once."""


class _Storage(t.Protocol):
    """What :class:`UserDatastoreMixin` needs of the class it is mixed into."""

    def find_role(self, name: str) -> RoleMixin | None: ...

    def create_role(
        self, name: str, description: str = "", permissions: t.Iterable[str] = ()
    ) -> RoleMixin: ...

    def put(self, user: t.Any) -> t.Any: ...


class UserDatastoreMixin:
    """What every user datastore does the same way, on top of its storage.

    Mixed in before a vial-roles datastore class, whose ``find_role``,
    ``create_role``, ``add_role_to_user`` and ``remove_role_from_user`` (with
    role objects) it builds on.
    """

    #: Users are found by e-mail address.
    identifier = "email"

    @staticmethod
    def normalize_lookup(
        identifier: str | None, attrs: dict[str, t.Any]
    ) -> dict[str, t.Any] | None:
        """Return the attributes to look a user up by, or ``None`` for no match.

        A positional ``identifier`` is an e-mail address; ``email`` values are
        normalised, and one that cannot be finds no user.
        """
        if identifier is not None:
            attrs = {**attrs, "email": identifier}
        if not attrs:
            raise TypeError(
                "find_user() needs what to look for, such as"
                " find_user(email='ann@example.com') or"
                " find_user(fs_uniquifier=...)."
            )
        if "email" in attrs:
            try:
                attrs = {**attrs, "email": normalize_email(attrs["email"])}
            except ValueError:
                return None
        return attrs

    @staticmethod
    def new_user_fields(fields: dict[str, t.Any]) -> dict[str, t.Any]:
        """Return the fields of a new user, with defaults and the address checked.

        :raises TypeError: ``email`` is missing.
        :raises InvalidEmailError: ``email`` is not a valid address.
        """
        if "email" not in fields:
            raise TypeError("create_user() needs the new user's email.")
        fields = dict(fields)
        fields["email"] = normalize_email(fields["email"])
        fields.setdefault("active", True)
        if not fields.get("fs_uniquifier"):
            fields["fs_uniquifier"] = new_alt_id()
        return fields

    def resolve_role(self: _Storage, role: str | RoleMixin) -> RoleMixin:
        """Return the stored role for a name or a role object.

        :raises LookupError: there is no role of that name.
        """
        name = role if isinstance(role, str) else role.name
        found = self.find_role(name)
        if found is None:
            raise LookupError(
                f"There is no role named {name!r}. Create it first with"
                f" datastore.create_role({name!r}) or 'vial roles create {name}'."
            )
        return found

    def find_or_create_role(self: _Storage, name: str, **fields: t.Any) -> RoleMixin:
        """Return the role named ``name``, staging it first if it is missing."""
        role = self.find_role(name)
        if role is None:
            role = self.create_role(name, **fields)
        return role

    def activate_user(self: _Storage, user: t.Any) -> bool:
        """Activate ``user``; return ``False`` if they were active already."""
        if user.active:
            return False
        user.active = True
        self.put(user)
        return True

    def deactivate_user(self: _Storage, user: t.Any) -> bool:
        """Deactivate ``user``; return ``False`` if they were inactive already.

        A deactivated user's sessions, remember-me cookies and API tokens are
        refused from the next request on.
        """
        if not user.active:
            return False
        user.active = False
        self.put(user)
        return True

    def set_uniquifier(
        self: _Storage, user: t.Any, uniquifier: str | None = None
    ) -> None:
        """Give ``user`` a new ``fs_uniquifier`` (random unless given).

        Sessions, remember-me cookies and API tokens carry it, so all of the
        user's that were made before stop working.
        """
        user.fs_uniquifier = uniquifier or new_alt_id()
        self.put(user)
