"""Default implementations of the properties and methods a user object needs.

vial-login asks four things of a user: ``is_authenticated``, ``is_active``,
``is_anonymous`` and ``get_id()``. :class:`UserMixin` provides them for a
model with an ``id`` attribute; :class:`AnonymousUserMixin` is what
``current_user`` is when nobody is logged in.
"""

from __future__ import annotations

import typing as t


class UserMixin:
    """Provide the user attributes vial-login needs, for a model with an ``id``.

    ``get_id()`` is what vial-login stores in the session and in the
    remember-me cookie, and what the ``user_loader`` receives. Override it to
    return an id that changes when the password changes (for example the id
    joined with part of the password hash) and every existing session and
    remember-me cookie stops working on a password change.
    """

    # Defining __eq__ would otherwise make instances unhashable.
    __hash__ = object.__hash__

    @property
    def is_active(self) -> bool:
        """Whether the account may log in; override to block accounts."""
        return True

    @property
    def is_authenticated(self) -> bool:
        """Whether this is a logged-in user; ``True`` for every real user."""
        return self.is_active

    @property
    def is_anonymous(self) -> bool:
        """Whether this is the anonymous user; ``False`` for real users."""
        return False

    def get_id(self) -> str:
        """Return the id to store in the session, as a string.

        :raises NotImplementedError: The class has no ``id`` attribute.
        """
        try:
            return str(self.id)  # type: ignore[attr-defined]
        except AttributeError:
            raise NotImplementedError("No `id` attribute - override `get_id`") from None

    def __eq__(self, other: object) -> bool:
        """Compare users by ``get_id()``."""
        if isinstance(other, UserMixin):
            return self.get_id() == other.get_id()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        """Compare users by ``get_id()``."""
        equal = self.__eq__(other)
        if equal is NotImplemented:
            return NotImplemented
        return not equal


class AnonymousUserMixin:
    """The user ``current_user`` stands for when nobody is logged in."""

    @property
    def is_authenticated(self) -> bool:
        """Always ``False``."""
        return False

    @property
    def is_active(self) -> bool:
        """Always ``False``."""
        return False

    @property
    def is_anonymous(self) -> bool:
        """Always ``True``."""
        return True

    def get_id(self) -> t.Any:
        """Return ``None``: the anonymous user has no id."""
        return None
