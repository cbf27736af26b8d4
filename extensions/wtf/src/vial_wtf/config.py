"""The configuration keys of vial-wtf, their defaults and documentation.

The keys keep Flask-WTF's names, so apps port unchanged. This module is the
single place where vial-wtf defines its defaults: each
:class:`~vial.config.ConfigOption` carries the key, the default and the
sentence that documents it. :class:`~vial_wtf.CSRFProtect` applies them with
``OPTIONS.apply(app)`` (``app.config.setdefault``); :func:`get_setting` reads
a key with the same default for forms used without ``CSRFProtect``;
``OPTIONS.markdown_table()`` and ``OPTIONS.rst_table()`` render the README
and documentation tables (tests keep them in sync).
"""

from __future__ import annotations

import typing as t

from vial.config import ConfigOption
from vial.config import ConfigOptions

if t.TYPE_CHECKING:
    from vial import Vial

#: Request methods that change state, the ones CSRF protection checks.
CSRF_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

#: The default name of the CSRF form field and of its session key.
CSRF_FIELD_NAME = "csrf_token"

#: The request headers that may carry the CSRF token, by default.
CSRF_HEADERS = ("X-CSRFToken", "X-CSRF-Token")

#: The default lifetime of a CSRF token, in seconds.
CSRF_TIME_LIMIT = 3600


OPTIONS = ConfigOptions(
    ConfigOption(
        "WTF_CSRF_ENABLED",
        True,
        "Protect forms and requests against CSRF. Set it to False in tests"
        " that post forms without tokens.",
    ),
    ConfigOption(
        "WTF_CSRF_CHECK_DEFAULT",
        True,
        "Let CSRFProtect check every request whose method is in"
        " WTF_CSRF_METHODS. With False, views call csrf.protect() themselves.",
    ),
    ConfigOption(
        "WTF_CSRF_SECRET_KEY",
        None,
        "Key that signs CSRF tokens; None uses SECRET_KEY, and then tokens"
        " signed with a key in SECRET_KEY_FALLBACKS stay valid.",
    ),
    ConfigOption(
        "WTF_CSRF_METHODS",
        set(CSRF_METHODS),
        "Request methods that must carry a valid CSRF token.",
    ),
    ConfigOption(
        "WTF_CSRF_FIELD_NAME",
        CSRF_FIELD_NAME,
        "Name of the CSRF form field, and of the session key holding the raw token.",
    ),
    ConfigOption(
        "WTF_CSRF_HEADERS",
        list(CSRF_HEADERS),
        "Request headers CSRFProtect reads the token from when the form has"
        " none (JSON and AJAX requests).",
    ),
    ConfigOption(
        "WTF_CSRF_TIME_LIMIT",
        CSRF_TIME_LIMIT,
        "Seconds a CSRF token stays valid; None makes it last as long as the session.",
    ),
    ConfigOption(
        "WTF_CSRF_SSL_STRICT",
        True,
        "On HTTPS, also require a Referer header from the same host, so a"
        " man in the middle cannot reuse a token from plain HTTP.",
    ),
    ConfigOption(
        "WTF_I18N_ENABLED",
        True,
        "Translate WTForms' messages when WTF_I18N_LOCALES is set.",
    ),
    ConfigOption(
        "WTF_I18N_LOCALES",
        None,
        "The translations provider: the locales to translate WTForms' messages"
        ' into, as a list (["de"]) or a callable returning one for the current'
        " request; None keeps the messages in English.",
    ),
)


def get_setting(app: Vial, name: str) -> t.Any:
    """Return the app's value for a vial-wtf key, or a copy of the key's default.

    Forms work without :class:`~vial_wtf.CSRFProtect`, so the defaults may
    never have been put in the app's config.
    """
    return OPTIONS.read(app, name)
