"""Signals sent by vial-roles, on a blinker namespace of their own.

``role_granted``
    Sent by :func:`vial_roles.grant_role` (and ``vial roles add``) after a
    user received a role they did not hold, once the datastore committed
    the change. Sender: the application. Keyword arguments: ``user``, the
    user object; ``role``, the role object (a :class:`~vial_roles.RoleMixin`).
    Not sent when the user already held the role.
``role_revoked``
    Sent by :func:`vial_roles.revoke_role` (and ``vial roles remove``) after
    a role was taken from a user, once the datastore committed the change.
    Sender: the application. Keyword arguments: ``user`` and ``role``, as
    above. Not sent when the user did not hold the role.

Both fire after the change is stored, so a receiver that writes an audit
log records only what took effect.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

role_granted = _signals.signal("role-granted")
role_revoked = _signals.signal("role-revoked")
