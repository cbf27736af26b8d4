"""Translations of WTForms' messages for vial forms.

WTForms ships catalogs for its built-in messages ("This field is
required.", ...). A :class:`~vial_wtf.VialForm` uses them in the locales
that the first of these names, for the current request:

1. ``WTF_I18N_LOCALES``, the app's translations provider: a list of locale
   names, or a callable returning one::

       app.config["WTF_I18N_LOCALES"] = lambda: [
           request.accept_languages.best_match(["de", "fr"], default="en")
       ]

2. Flask-Babel, when the app uses it (``Babel(app)``, under
   :func:`vial.compat.alias_flask`): the locale its ``get_locale()``
   selects, as Flask-WTF does.

Without either, with a locale WTForms has no catalog for, or with
``WTF_I18N_ENABLED = False``, messages stay in English. Catalogs are loaded
once per tuple of locales and kept.
"""

from __future__ import annotations

import functools
import re
import sys
import typing as t
from collections.abc import Iterable

from wtforms.i18n import get_builtin_gnu_translations

from vial.ext import current_request_context
from vial.ext import get_app

from .config import get_setting

if t.TYPE_CHECKING:
    from gettext import GNUTranslations

    from vial import Vial


# gettext joins each locale name into a file path, so a name from a request
# header such as "../../tmp/x" must never reach it: letters, digits, "_" and
# "@" only, after the codeset (".UTF-8") is dropped.
_LOCALE_NAME = re.compile(r"[A-Za-z0-9_@]+")


def _normalize(locales: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(locales, str):
        locales = [locales]
    # gettext names regions with "_", HTTP's Accept-Language with "-".
    names = (str(locale).replace("-", "_").partition(".")[0] for locale in locales)
    return tuple(name for name in names if _LOCALE_NAME.fullmatch(name))


@functools.lru_cache(maxsize=64)
def _catalog(locales: tuple[str, ...]) -> GNUTranslations | None:
    try:
        return get_builtin_gnu_translations(locales)
    except OSError:
        # gettext found no catalog for any of the locales.
        return None


def _babel_locale(app: Vial) -> t.Any:
    """Return the locale Flask-Babel selects for this request, or ``None``.

    Only when the app set Flask-Babel up: its module is then imported
    already, so nothing is imported here (Flask-Babel imports ``flask``,
    which only :func:`vial.compat.alias_flask` provides).
    """
    if "babel" not in app.extensions or current_request_context() is None:
        return None
    flask_babel = sys.modules.get("flask_babel")
    get_locale = getattr(flask_babel, "get_locale", None)
    if get_locale is None:
        return None
    return get_locale()


def get_translations(app: Vial | None = None) -> GNUTranslations | None:
    """Return the WTForms translations for the current request, or ``None``.

    ``None`` means WTForms' English messages. The locales come from the
    app's ``WTF_I18N_LOCALES`` provider, or else from Flask-Babel; see the
    module documentation.

    :param app: The app whose config to read; the current app by default.
    """
    if app is None:
        app = get_app()
    if not get_setting(app, "WTF_I18N_ENABLED"):
        return None
    provider = get_setting(app, "WTF_I18N_LOCALES")
    if provider is None:
        locale = _babel_locale(app)
        locales = [str(locale)] if locale else None
    else:
        locales = provider() if callable(provider) else provider
    if not locales:
        return None
    normalized = _normalize(locales)
    if not normalized:
        return None
    return _catalog(normalized)


class Translations:
    """WTForms translations that follow the current request's locale.

    Flask-WTF's ``translations`` object: each call looks the translations
    up again (see :func:`get_translations`), and outside a request, or
    without a locale, returns the English message.
    """

    def gettext(self, string: str) -> str:
        """Return ``string`` translated."""
        catalog = get_translations() if current_request_context() else None
        return string if catalog is None else catalog.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Return ``singular`` or ``plural``, for ``n``, translated."""
        catalog = get_translations() if current_request_context() else None
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ngettext(singular, plural, n)


#: The :class:`Translations` object, as Flask-WTF names it.
translations = Translations()
