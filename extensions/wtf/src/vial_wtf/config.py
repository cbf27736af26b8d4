"""The configuration keys of vial-wtf, their defaults and documentation.

The keys keep Flask-WTF's names, so apps port unchanged. This module is the
single place where vial-wtf defines its defaults: each :class:`Setting`
carries the key, the default and the sentence that documents it.
:func:`set_defaults` applies them with ``app.config.setdefault`` when
:class:`~vial_wtf.CSRFProtect` is set up; :func:`get_setting` reads a key
with the same default for forms used without ``CSRFProtect``;
:func:`config_table` renders the README table (a test keeps the two in sync).
"""

from __future__ import annotations

import copy
import typing as t
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Setting:
    """One configuration key with its default value and its documentation."""

    name: str
    default: t.Any
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "WTF_CSRF_ENABLED",
        True,
        "Protect forms and requests against CSRF. Set it to False in tests"
        " that post forms without tokens.",
    ),
    Setting(
        "WTF_CSRF_CHECK_DEFAULT",
        True,
        "Let CSRFProtect check every request whose method is in"
        " WTF_CSRF_METHODS. With False, views call csrf.protect() themselves.",
    ),
    Setting(
        "WTF_CSRF_SECRET_KEY",
        None,
        "Key that signs CSRF tokens; None uses SECRET_KEY, and then tokens"
        " signed with a key in SECRET_KEY_FALLBACKS stay valid.",
    ),
    Setting(
        "WTF_CSRF_METHODS",
        set(CSRF_METHODS),
        "Request methods that must carry a valid CSRF token.",
    ),
    Setting(
        "WTF_CSRF_FIELD_NAME",
        CSRF_FIELD_NAME,
        "Name of the CSRF form field, and of the session key holding the raw token.",
    ),
    Setting(
        "WTF_CSRF_HEADERS",
        list(CSRF_HEADERS),
        "Request headers CSRFProtect reads the token from when the form has"
        " none (JSON and AJAX requests).",
    ),
    Setting(
        "WTF_CSRF_TIME_LIMIT",
        CSRF_TIME_LIMIT,
        "Seconds a CSRF token stays valid; None makes it last as long as the session.",
    ),
    Setting(
        "WTF_CSRF_SSL_STRICT",
        True,
        "On HTTPS, also require a Referer header from the same host, so a"
        " man in the middle cannot reuse a token from plain HTTP.",
    ),
    Setting(
        "WTF_I18N_ENABLED",
        True,
        "Translate WTForms' messages when WTF_I18N_LOCALES is set.",
    ),
    Setting(
        "WTF_I18N_LOCALES",
        None,
        "The translations provider: the locales to translate WTForms' messages"
        ' into, as a list (["de"]) or a callable returning one for the current'
        " request; None keeps the messages in English.",
    ),
)

_DEFAULTS = {setting.name: setting.default for setting in SETTINGS}


def set_defaults(app: Vial) -> None:
    """Set every vial-wtf default that the app's config does not already have."""
    for setting in SETTINGS:
        # Copy so an app mutating its config never alters the shared default.
        app.config.setdefault(setting.name, copy.deepcopy(setting.default))


def get_setting(app: Vial, name: str) -> t.Any:
    """Return the app's value for a vial-wtf key, or the key's default.

    Forms work without :class:`~vial_wtf.CSRFProtect`, so the defaults may
    never have been put in the app's config.
    """
    if name in app.config:
        return app.config[name]
    return copy.deepcopy(_DEFAULTS[name])


def render_default(value: t.Any) -> str:
    """Render a default value as Python source, sets sorted, for the docs."""
    if isinstance(value, set):
        return "{" + ", ".join(repr(item) for item in sorted(value)) + "}"
    return repr(value)


def config_table() -> str:
    """Render the configuration keys as a Markdown table for the README."""
    lines = ["| Key | Default | Meaning |", "| --- | --- | --- |"]
    for setting in SETTINGS:
        default = render_default(setting.default)
        lines.append(f"| `{setting.name}` | `{default}` | {setting.doc} |")
    return "\n".join(lines) + "\n"
