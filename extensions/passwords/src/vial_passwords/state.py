"""Per-app state of vial-passwords: the hasher and the policy of each app.

``Passwords.init_app`` registers a :class:`PasswordsState` under
:data:`STATE` (``app.extensions["passwords"]``); the module functions and
the ``vial passwords`` commands read it back through :data:`STATE`, so no
module imports the extension class.
"""

from __future__ import annotations

from vial.ext import ExtensionKey

from .hasher import PasswordHasher
from .policy import PasswordPolicy


class PasswordsState:
    """The per-app state of vial-passwords, kept in ``app.extensions["passwords"]``.

    :param hasher: Hashes and verifies passwords for this app.
    :param policy: Validates new passwords for this app.
    """

    def __init__(self, hasher: PasswordHasher, policy: PasswordPolicy) -> None:
        self.hasher = hasher
        self.policy = policy


#: Where each app keeps its :class:`PasswordsState`.
STATE: ExtensionKey[PasswordsState] = ExtensionKey(
    "passwords", setup="Passwords(app) or passwords.init_app(app)"
)
