"""The reCAPTCHA widget: the script tag and the div the script fills."""

from __future__ import annotations

import typing as t
from urllib.parse import urlencode

from markupsafe import Markup
from wtforms.widgets import html_params

from vial.ext import get_app
from vial_wtf.config import get_setting

if t.TYPE_CHECKING:
    from collections.abc import Callable

    from wtforms.fields.core import Field


def _attribute_name(key: str) -> str:
    # Python keywords get a trailing "_" (class_), and data_x / aria_x name
    # data-x / aria-x, as in WTForms' html_params.
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


class RecaptchaWidget:
    """Render a reCAPTCHA: the provider's script and a div carrying the site key.

    Attributes passed when the field is rendered (``form.recaptcha(
    class_="captcha", data_theme="dark")``) win over ``RECAPTCHA_DIV_CLASS``
    and ``RECAPTCHA_DATA_ATTRS``; every value is escaped.
    """

    def recaptcha_html(
        self,
        public_key: str,
        nonce: str | Callable[[], str] | None = None,
        **kwargs: t.Any,
    ) -> Markup:
        """Return the script tag and the div for the site key ``public_key``."""
        app = get_app()
        html = get_setting(app, "RECAPTCHA_HTML")
        if html:
            return Markup(html)
        script = get_setting(app, "RECAPTCHA_SCRIPT")
        params = get_setting(app, "RECAPTCHA_PARAMETERS")
        if params:
            script += f"?{urlencode(params)}"
        if callable(nonce):
            nonce = nonce()
        attributes = {_attribute_name(key): value for key, value in kwargs.items()}
        attributes.setdefault("class", get_setting(app, "RECAPTCHA_DIV_CLASS"))
        data_attributes = dict(get_setting(app, "RECAPTCHA_DATA_ATTRS") or {})
        data_attributes["sitekey"] = public_key
        for key, value in data_attributes.items():
            attributes.setdefault(f"data-{key}", value)
        script_attributes = {"src": script, "async": True, "defer": True}
        if nonce:
            script_attributes["nonce"] = nonce
        return Markup("\n<script {}></script>\n<div {}></div>\n").format(
            Markup(html_params(**script_attributes)),
            Markup(html_params(**attributes)),
        )

    def __call__(self, field: Field, error: t.Any = None, **kwargs: t.Any) -> Markup:
        """Return the widget's HTML for ``field``.

        :raises RuntimeError: ``RECAPTCHA_PUBLIC_KEY`` is not set.
        """
        app = get_app()
        if not get_setting(app, "RECAPTCHA_ENABLED"):
            return Markup("<!-- recaptcha disabled -->")
        public_key = app.config.get("RECAPTCHA_PUBLIC_KEY")
        if not public_key:
            raise RuntimeError(
                "No RECAPTCHA_PUBLIC_KEY is set. Set"
                " app.config['RECAPTCHA_PUBLIC_KEY'] to the site key of your"
                " reCAPTCHA site, or set RECAPTCHA_ENABLED to False."
            )
        kwargs.setdefault("id", field.id)
        return self.recaptcha_html(
            public_key, nonce=getattr(field, "nonce", None), **kwargs
        )
