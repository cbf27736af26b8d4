"""The :class:`Passwords` extension and the functions that use the current app.

``Passwords(app)`` (or ``Passwords()`` then ``init_app(app)``) checks the
``PASSWORD_*`` configuration, builds a :class:`PasswordsState` and stores it
in ``app.extensions["passwords"]``. The module functions below look it up on
the current app, so views call ``hash_password(form.password.data)``
without holding the extension object.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app

from .config import OPTIONS
from .hasher import PasswordHasher
from .policy import PasswordPolicy
from .signals import password_hash_upgraded
from .state import PasswordsState
from .state import STATE

if t.TYPE_CHECKING:
    from vial import Vial


class Passwords:
    """Password hashing and policy for one or more apps.

    :param app: The app to set up now; leave it out and call :meth:`init_app`
        later in an app factory.
    """

    def __init__(self, app: Vial | None = None) -> None:
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Vial) -> None:
        """Check the app's ``PASSWORD_*`` config and register the extension on it.

        :raises RuntimeError: The extension is already registered on ``app``,
            or a configured scheme has no backend installed.
        :raises ValueError: A ``PASSWORD_*`` setting is invalid.
        """
        OPTIONS.apply(app)
        state = PasswordsState(PasswordHasher(app.config), PasswordPolicy(app.config))
        STATE.register(app, state)

        from .cli import make_cli

        app.cli.add_command(make_cli())


def hash_password(password: str) -> str:
    """Hash ``password`` with the current app's preferred scheme and pepper.

    :raises ValueError: The password is longer than ``PASSWORD_MAX_LENGTH``.
    """
    return STATE.get().hasher.hash_password(password)


def verify_password(password: str, hash: str | None) -> bool:
    """Return whether ``password`` matches ``hash`` (``None`` never matches).

    Pass ``None`` when no user was found: the check then still takes about as
    long as a real one, so response times do not reveal which users exist.
    """
    return STATE.get().hasher.verify_password(password, hash)


def verify_and_update(password: str, hash: str | None) -> tuple[bool, str | None]:
    """Verify ``password`` and return ``(ok, new_hash_or_None)``.

    A hash made with a deprecated scheme, a lower cost or an older pepper is
    replaced on a successful check: store ``new_hash`` when it is not None.
    Sends :data:`~vial_passwords.signals.password_hash_upgraded` then.
    """
    hasher = STATE.get().hasher
    ok, new_hash = hasher.verify_and_update(password, hash)
    if new_hash is not None:
        assert hash is not None
        password_hash_upgraded.send(
            get_app(),
            old_scheme=hasher.identify(hash),
            new_scheme=hasher.identify(new_hash),
        )
    return ok, new_hash


def validate_password(password: str, user: t.Any = None) -> list[str]:
    """Return the current app's policy problems with ``password``; empty if none."""
    return STATE.get().policy.validate(password, user)
