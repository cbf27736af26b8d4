"""The configuration keys of vial-wtf, their defaults and documentation.

The keys keep Flask-WTF's names, so apps port unchanged: the ``WTF_`` keys,
and the ``RECAPTCHA_`` keys of the reCAPTCHA field, which Flask-WTF names
without its prefix. This module is the single place where vial-wtf defines
its defaults: each :class:`~vial.ext.ConfigOption` carries the key, the
default and the sentence that documents it. :class:`~vial_wtf.CSRFProtect`
applies them with ``OPTIONS.apply(app)`` (``app.config.setdefault``);
:func:`get_setting` reads a key with the same default for forms used without
``CSRFProtect``. The README and the documentation render their tables from
``OPTIONS``.
"""

from __future__ import annotations

import typing as t

from vial.ext import ConfigOption
from vial.ext import ConfigOptions
from vial.ext import UNSET

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

#: Where the reCAPTCHA validator asks whether a response is valid.
RECAPTCHA_VERIFY_SERVER = "https://www.google.com/recaptcha/api/siteverify"

#: The script the reCAPTCHA widget loads.
RECAPTCHA_SCRIPT = "https://www.google.com/recaptcha/api.js"


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
        "Let ``CSRFProtect`` check every request whose method is in"
        " ``WTF_CSRF_METHODS``. With False, views call ``csrf.protect()``"
        " themselves.",
    ),
    ConfigOption(
        "WTF_CSRF_SECRET_KEY",
        None,
        "Key that signs CSRF tokens; None uses ``SECRET_KEY``, and then tokens"
        " signed with a key in ``SECRET_KEY_FALLBACKS`` stay valid.",
    ),
    ConfigOption(
        "WTF_CSRF_METHODS",
        set(CSRF_METHODS),
        "Request methods that must carry a valid CSRF token.",
    ),
    ConfigOption(
        "WTF_CSRF_FIELD_NAME",
        CSRF_FIELD_NAME,
        "Name of the CSRF form field, of the session key holding the raw"
        " token, and of the attribute of ``g`` caching the signed token.",
    ),
    ConfigOption(
        "WTF_CSRF_HEADERS",
        list(CSRF_HEADERS),
        "Request headers ``CSRFProtect`` reads the token from when the form has"
        " none (JSON and AJAX requests).",
    ),
    ConfigOption(
        "WTF_CSRF_META_NAME",
        "csrf-token",
        "The ``name`` of the meta tag that ``csrf_meta_tag()`` renders.",
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
        "Translate WTForms' messages, into the locales of ``WTF_I18N_LOCALES``"
        " or else into the locale Flask-Babel selects.",
    ),
    ConfigOption(
        "WTF_I18N_LOCALES",
        None,
        "The translations provider: the locales to translate WTForms' messages"
        ' into, as a list (``["de"]``) or a callable returning one for the'
        " current request; None asks Flask-Babel when the app uses it, else"
        " keeps the messages in English.",
    ),
    ConfigOption(
        "RECAPTCHA_ENABLED",
        True,
        "Render and check reCAPTCHA fields. With False the field renders an"
        " HTML comment and every answer passes; while the app is ``TESTING``"
        " it renders, and every answer passes.",
    ),
    ConfigOption(
        "RECAPTCHA_PUBLIC_KEY",
        UNSET,
        "The site key the reCAPTCHA widget shows; required to render the field.",
    ),
    ConfigOption(
        "RECAPTCHA_PRIVATE_KEY",
        UNSET,
        "The secret key sent to the verify server; required to check answers.",
    ),
    ConfigOption(
        "RECAPTCHA_VERIFY_SERVER",
        RECAPTCHA_VERIFY_SERVER,
        "The URL answers are checked at; set it for a compatible service"
        " such as hCaptcha.",
        shown_default="Google's siteverify URL",
    ),
    ConfigOption(
        "RECAPTCHA_SCRIPT",
        RECAPTCHA_SCRIPT,
        "The URL of the script the widget loads.",
        shown_default="Google's api.js URL",
    ),
    ConfigOption(
        "RECAPTCHA_PARAMETERS",
        None,
        "Query parameters added to the script URL, as a dict (such as"
        ' ``{"hl": "de"}``).',
    ),
    ConfigOption(
        "RECAPTCHA_DATA_ATTRS",
        {},
        "Attributes of the widget's div, as a dict; each key gets a ``data-``"
        " prefix (``theme``, ``size``, ``callback``, ...).",
    ),
    ConfigOption(
        "RECAPTCHA_DIV_CLASS",
        "g-recaptcha",
        "The CSS class of the widget's div.",
    ),
    ConfigOption(
        "RECAPTCHA_HTML",
        None,
        "HTML to render instead of the script and the div, for a widget of your own.",
    ),
    ConfigOption(
        "WTF_RECAPTCHA_TIMEOUT",
        None,
        "Seconds to wait for the verify server; None waits as long as the"
        " socket default, as Flask-WTF does. Set it in production, so a slow"
        " verify server cannot hold a worker.",
    ),
)


def get_setting(app: Vial, name: str) -> t.Any:
    """Return the app's value for a vial-wtf key, or a copy of the key's default.

    Forms work without :class:`~vial_wtf.CSRFProtect`, so the defaults may
    never have been put in the app's config.
    """
    return OPTIONS.read(app, name)
