"""What a user looks like to vial-accounts, whatever stores it.

:class:`UserMixin` joins vial-login's user (``is_authenticated``,
``get_id``...) and vial-roles' (``has_role``, ``has_permission``), and ties
them to the account's fields:

- ``get_id()`` returns the ``fs_uniquifier``, not the primary key. The
  session and the remember-me cookie hold it, and vial-tokens' tokens carry
  it too, so renewing it (a password change, ``vial users reset-access``)
  ends every login and token made before, in every worker process.
- ``is_active`` is the stored ``active`` flag: a deactivated user cannot
  log in, and their sessions and tokens are refused.

The SQLAlchemy models get the same through
:class:`vial_accounts.sqlalchemy.UserModelMixin`.
"""

from __future__ import annotations

import typing as t
from datetime import datetime

from vial_login import UserMixin as LoginUserMixin
from vial_roles import UserRolesMixin


class UserMixin(LoginUserMixin, UserRolesMixin):
    """The behaviour of an account: login id, activity and roles.

    The class using it provides the fields: ``email``, ``password`` (the
    hash), ``active``, ``fs_uniquifier`` and ``confirmed_at``, and for login
    tracking ``last_login_at``, ``current_login_at``, ``last_login_ip``,
    ``current_login_ip`` and ``login_count``.
    """

    if t.TYPE_CHECKING:
        email: str
        password: str | None
        active: bool
        fs_uniquifier: str
        confirmed_at: datetime | None
        last_login_at: datetime | None
        current_login_at: datetime | None
        last_login_ip: str | None
        current_login_ip: str | None
        login_count: int | None

    def get_id(self) -> str:
        """Return the id the session keeps: the user's ``fs_uniquifier``."""
        return str(self.fs_uniquifier)

    @property
    def is_active(self) -> bool:
        """Whether the account may log in: its ``active`` flag."""
        return bool(self.active)

    @property
    def is_confirmed(self) -> bool:
        """Whether the user confirmed their e-mail address."""
        return self.confirmed_at is not None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {getattr(self, 'email', None)!r}>"
