"""Translations of WTForms' messages for vial forms.

WTForms ships catalogs for its built-in messages ("This field is
required.", ...). A :class:`~vial_wtf.VialForm` uses them when the app
configures a translations provider, ``WTF_I18N_LOCALES``: a list of locale
names, or a callable returning one for the current request::

    app.config["WTF_I18N_LOCALES"] = lambda: [
        request.accept_languages.best_match(["de", "fr"], default="en")
    ]

A locale WTForms has no catalog for, an empty list, ``None`` (the default)
or ``WTF_I18N_ENABLED = False`` leave the messages in English. Catalogs are
loaded once per tuple of locales and kept.
"""

from __future__ import annotations

import functools
import re
import typing as t
from collections.abc import Iterable

from wtforms.i18n import get_builtin_gnu_translations

from vial import current_app

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


def get_translations(app: Vial | None = None) -> GNUTranslations | None:
    """Return the WTForms translations for the current request, or ``None``.

    ``None`` means WTForms' English messages. The locales come from the
    app's ``WTF_I18N_LOCALES`` provider, see the module documentation.

    :param app: The app whose config to read; the current app by default.
    """
    if app is None:
        app = current_app
    if not get_setting(app, "WTF_I18N_ENABLED"):
        return None
    provider = get_setting(app, "WTF_I18N_LOCALES")
    locales = provider() if callable(provider) else provider
    if not locales:
        return None
    normalized = _normalize(locales)
    if not normalized:
        return None
    return _catalog(normalized)
