"""What a role and a user with roles look like to vial-roles.

:class:`RoleMixin` is the shape of a role: a name, a description and a set
of permission names. :class:`UserRolesMixin` gives a user ``has_role`` and
``has_permission``, answered by the app's datastore, so they work in views
and in templates (``{% if current_user.has_role("admin") %}``).
:class:`AnonymousUser` answers ``False`` to both, so the same template line
works for visitors who are not logged in.
"""

from __future__ import annotations

from vial_login import AnonymousUserMixin

from .access import user_has_permission
from .access import user_has_role
from .role import RoleMixin as RoleMixin


class UserRolesMixin:
    """Give a user class ``has_role`` and ``has_permission``.

    Both ask the current app's datastore on every call, so they need an
    application context (every view and template has one) and always see
    the roles as stored now, not as they were at login.
    """

    def has_role(self, role: str | RoleMixin) -> bool:
        """Return whether the user holds ``role`` (a role name or object)."""
        return user_has_role(self, role)

    def has_permission(self, permission: str) -> bool:
        """Return whether one of the user's roles grants ``permission``."""
        return user_has_permission(self, permission)


class AnonymousUser(AnonymousUserMixin):
    """The user who is not logged in: holds no role and no permission.

    :class:`~vial_roles.Roles` makes it vial-login's ``anonymous_user`` when
    the login manager still uses vial-login's default, so templates can ask
    ``current_user.has_role(...)`` whoever is visiting.
    """

    def has_role(self, role: str | RoleMixin) -> bool:
        """Return ``False``: an anonymous user holds no role."""
        return False

    def has_permission(self, permission: str) -> bool:
        """Return ``False``: an anonymous user holds no permission."""
        return False
