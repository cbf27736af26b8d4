"""An in-memory user datastore, for tests, examples and single-process tools.

It keeps users, roles and counters in the process that made it, so several
worker processes would each have their own accounts and lockouts; use the
SQLAlchemy datastore (or your own :class:`~vial_accounts.UserDatastore`)
for a deployed app. Changes take effect at once: :meth:`commit` has nothing
to store and :meth:`rollback` nothing to undo.
"""

from __future__ import annotations

import itertools
import threading
import typing as t

from vial_roles import MemoryDatastore

from .datastore import Count
from .datastore import DuplicateEmailError
from .datastore import UserDatastoreMixin
from .mixins import UserMixin

if t.TYPE_CHECKING:
    from vial_roles import RoleMixin

#: The attributes every :class:`MemoryUser` has, and their defaults.
USER_FIELDS: dict[str, t.Any] = {
    "email": "",
    "password": None,
    "active": True,
    "fs_uniquifier": "",
    "confirmed_at": None,
    "last_login_at": None,
    "current_login_at": None,
    "last_login_ip": None,
    "current_login_ip": None,
    "login_count": 0,
}


class MemoryUser(UserMixin):
    """A user of the :class:`MemoryUserDatastore`: the account fields, and
    any other keyword argument as an attribute.

    :param id: the user's number in its datastore.
    """

    def __init__(self, id: int, **fields: t.Any) -> None:
        self.id = id
        for name, default in USER_FIELDS.items():
            setattr(self, name, fields.pop(name, default))
        for name, value in fields.items():
            setattr(self, name, value)


class MemoryUserDatastore(UserDatastoreMixin, MemoryDatastore):
    """Users, roles and counters kept in this process's memory.

    :param user_class: the class of the users :meth:`create_user` makes; it
        is called as ``user_class(id, **fields)``.
    """

    def __init__(self, user_class: type[t.Any] = MemoryUser) -> None:
        super().__init__(identifier="email")
        self.user_class = user_class
        self._by_uniquifier: dict[str, t.Any] = {}
        self._counters: dict[str, Count] = {}
        self._ids = itertools.count(1)
        # Requests of the development server and of tests may run in threads.
        self._users_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {len(self._users)} users>"

    # Users

    def find_user(self, identifier: str | None = None, /, **attrs: t.Any) -> t.Any:
        """Return the user whose attributes equal ``attrs``, or ``None``."""
        lookup = self.normalize_lookup(identifier, attrs)
        if lookup is None:
            return None
        with self._users_lock:
            if set(lookup) == {"email"}:
                return self._users.get(lookup["email"])
            if set(lookup) == {"fs_uniquifier"}:
                user = self._by_uniquifier.get(lookup["fs_uniquifier"])
                # The index is refreshed on put(); a user changed without
                # put() must not be found under an old value.
                if user is not None and user.fs_uniquifier == lookup["fs_uniquifier"]:
                    return user
                return None
            users = list(self._users.values())
        for user in users:
            if all(getattr(user, k, None) == v for k, v in lookup.items()):
                return user
        return None

    def list_users(self) -> list[t.Any]:
        """Return every user, ordered by e-mail address."""
        with self._users_lock:
            return [self._users[email] for email in sorted(self._users)]

    def create_user(self, **fields: t.Any) -> t.Any:
        """Create a user from ``fields`` and return it (see
        :meth:`UserDatastore.create_user <vial_accounts.UserDatastore.create_user>`).

        :raises DuplicateEmailError: the address has an account already.
        """
        roles = list(fields.pop("roles", ()))
        fields = self.new_user_fields(fields)
        with self._users_lock:
            if fields["email"] in self._users:
                raise DuplicateEmailError(
                    f"A user with the e-mail address {fields['email']!r} exists."
                )
            user = self.user_class(next(self._ids), **fields)
            self._users[user.email] = user
            self._by_uniquifier[user.fs_uniquifier] = user
        for role in roles:
            self.add_role_to_user(user, role)
        return user

    def add_user(self, user: t.Any) -> t.Any:
        """Register an existing user object; return it (vial-roles' API)."""
        return self.put(user)

    def put(self, user: t.Any) -> t.Any:
        """Record ``user`` under its current e-mail address and uniquifier."""
        with self._users_lock:
            for index in (self._users, self._by_uniquifier):
                for key, known in list(index.items()):
                    if known is user:
                        del index[key]
            self._users[user.email] = user
            self._by_uniquifier[user.fs_uniquifier] = user
        return user

    def delete_user(self, user: t.Any) -> None:
        """Forget ``user`` and their roles."""
        with self._users_lock:
            self._users.pop(user.email, None)
            self._by_uniquifier.pop(user.fs_uniquifier, None)
        for role in self.get_user_roles(user):
            super().remove_role_from_user(user, role)

    # Roles, by name or object

    def add_role_to_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Give ``role`` (a name or a role) to ``user``; ``False`` if held."""
        return super().add_role_to_user(user, self.resolve_role(role))

    def remove_role_from_user(self, user: t.Any, role: str | RoleMixin) -> bool:
        """Take ``role`` from ``user``; ``False`` if they did not hold it."""
        return super().remove_role_from_user(user, self.resolve_role(role))

    def rollback(self) -> None:
        """Do nothing: changes took effect at once."""

    # Counters

    def hit_counter(self, key: str, now: float, window: float) -> Count:
        """Count one event for ``key`` and return the counter."""
        with self._users_lock:
            current = self._counters.get(key)
            if current is None or now - current.first_at >= window:
                current = Count(1, now, now)
            else:
                current = Count(current.hits + 1, current.first_at, now)
            self._counters[key] = current
            return current

    def peek_counter(self, key: str, now: float, window: float) -> Count | None:
        """Return the counter of ``key``, or ``None`` if its window is over."""
        with self._users_lock:
            current = self._counters.get(key)
        if current is None or now - current.first_at >= window:
            return None
        return current

    def reset_counter(self, key: str) -> None:
        """Forget the counter of ``key``."""
        with self._users_lock:
            self._counters.pop(key, None)
