"""The :class:`Passwords` extension and the functions that use the current app.

``Passwords(app)`` (or ``Passwords()`` then ``init_app(app)``) checks the
``PASSWORD_*`` configuration, builds a :class:`PasswordsState` and stores it
in ``app.extensions["passwords"]``. The module functions below look it up on
the current app, so views call ``hash_password(form.password.data)``
without holding the extension object.
"""

from __future__ import annotations

import typing as t

from vial import current_app

from .config import OPTIONS
from .hasher import PasswordHasher
from .policy import PasswordPolicy
from .signals import password_hash_upgraded

if t.TYPE_CHECKING:
    from vial import Vial

#: The key of the per-app state in ``app.extensions``.
EXTENSION_KEY = "passwords"


class PasswordsState:
    """The per-app state of vial-passwords, kept in ``app.extensions["passwords"]``.

    :param hasher: Hashes and verifies passwords for this app.
    :param policy: Validates new passwords for this app.
    """

    def __init__(self, hasher: PasswordHasher, policy: PasswordPolicy) -> None:
        self.hasher = hasher
        self.policy = policy


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
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError(
                "vial-passwords is already registered on this app; call"
                " Passwords(app) or passwords.init_app(app) only once per app."
            )
        OPTIONS.apply(app)
        state = PasswordsState(PasswordHasher(app.config), PasswordPolicy(app.config))
        app.extensions[EXTENSION_KEY] = state

        from .cli import make_cli

        app.cli.add_command(make_cli())


def _state() -> PasswordsState:
    try:
        return t.cast(PasswordsState, current_app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError(
            "vial-passwords is not registered on the current app; create"
            " Passwords(app) or call passwords.init_app(app) first."
        ) from None


def hash_password(password: str) -> str:
    """Hash ``password`` with the current app's preferred scheme and pepper.

    :raises ValueError: The password is longer than ``PASSWORD_MAX_LENGTH``.
    """
    return _state().hasher.hash_password(password)


def verify_password(password: str, hash: str | None) -> bool:
    """Return whether ``password`` matches ``hash`` (``None`` never matches).

    Pass ``None`` when no user was found: the check then still takes about as
    long as a real one, so response times do not reveal which users exist.
    """
    return _state().hasher.verify_password(password, hash)


def verify_and_update(password: str, hash: str | None) -> tuple[bool, str | None]:
    """Verify ``password`` and return ``(ok, new_hash_or_None)``.

    A hash made with a deprecated scheme, a lower cost or an older pepper is
    replaced on a successful check: store ``new_hash`` when it is not None.
    Sends :data:`~vial_passwords.signals.password_hash_upgraded` then.
    """
    hasher = _state().hasher
    ok, new_hash = hasher.verify_and_update(password, hash)
    if new_hash is not None:
        assert hash is not None
        password_hash_upgraded.send(
            current_app._get_current_object(),  # type: ignore[attr-defined]
            old_scheme=hasher.identify(hash),
            new_scheme=hasher.identify(new_hash),
        )
    return ok, new_hash


def validate_password(password: str, user: t.Any = None) -> list[str]:
    """Return the current app's policy problems with ``password``; empty if none."""
    return _state().policy.validate(password, user)
