"""The ``ROLES_*`` configuration keys, their defaults and their documentation.

This module is the one place where vial-roles sets its defaults:
``init_app`` applies them with ``OPTIONS.apply(app)``, and the tables of the
README and of the docs page are rendered from the same list.

There is deliberately no key that switches role checks off: unlike
``LOGIN_DISABLED`` for vial-login's ``login_required``, a forgotten testing
setting must not open every protected view in production. Tests log in a
user who holds the role instead.
"""

from __future__ import annotations

from vial.ext import ConfigOption
from vial.ext import ConfigOptions

#: The default description of the 403 error for a user who lacks a role.
UNAUTHORIZED_MESSAGE = "You do not have permission to view this page."

OPTIONS = ConfigOptions(
    ConfigOption(
        "ROLES_UNAUTHORIZED_VIEW",
        None,
        "Endpoint name or URL to redirect a logged-in browser user to when "
        "they lack a required role or permission, instead of answering 403. "
        "JSON clients get the 403 error either way.",
    ),
    ConfigOption(
        "ROLES_UNAUTHORIZED_MESSAGE",
        UNAUTHORIZED_MESSAGE,
        "The description of the 403 error, and the message flashed before "
        "the redirect to ``ROLES_UNAUTHORIZED_VIEW`` (``None`` flashes "
        "nothing). It never names the missing role.",
    ),
    ConfigOption(
        "ROLES_UNAUTHORIZED_MESSAGE_CATEGORY",
        "error",
        "The category of the flashed ``ROLES_UNAUTHORIZED_MESSAGE``.",
    ),
)
