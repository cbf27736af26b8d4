from __future__ import annotations

import pytest
from markupsafe import Markup

from vial import Vial
from vial_wtf import RecaptchaField
from vial_wtf import VialForm
from vial_wtf.config import RECAPTCHA_SCRIPT


class CaptchaForm(VialForm):
    class Meta:
        csrf = False

    captcha = RecaptchaField()


def _render(app: Vial, **kwargs: object) -> Markup:
    with app.test_request_context():
        return CaptchaForm().captcha(**kwargs)


def test_default_rendering(recaptcha_app: Vial) -> None:
    html = _render(recaptcha_app)
    assert isinstance(html, Markup)
    assert html == (
        f'\n<script async defer src="{RECAPTCHA_SCRIPT}"></script>\n'
        '<div class="g-recaptcha" data-sitekey="site-key" id="captcha"></div>\n'
    )


def test_disabled_renders_a_comment(recaptcha_app: Vial) -> None:
    recaptcha_app.config["RECAPTCHA_ENABLED"] = False
    del recaptcha_app.config["RECAPTCHA_PUBLIC_KEY"]
    assert _render(recaptcha_app) == Markup("<!-- recaptcha disabled -->")


def test_missing_public_key_is_a_clear_error(recaptcha_app: Vial) -> None:
    del recaptcha_app.config["RECAPTCHA_PUBLIC_KEY"]
    with pytest.raises(RuntimeError, match=r"RECAPTCHA_PUBLIC_KEY.*site key"):
        _render(recaptcha_app)


def test_custom_html(recaptcha_app: Vial) -> None:
    recaptcha_app.config["RECAPTCHA_HTML"] = "<div id=mine></div>"
    html = _render(recaptcha_app)
    assert html == "<div id=mine></div>"
    assert isinstance(html, Markup)


def test_settings(recaptcha_app: Vial) -> None:
    recaptcha_app.config.update(
        RECAPTCHA_SCRIPT="https://hcaptcha.example/1/api.js",
        RECAPTCHA_PARAMETERS={"hl": "de", "render": "(explicit)"},
        RECAPTCHA_DATA_ATTRS={"theme": "dark", "size": "compact"},
        RECAPTCHA_DIV_CLASS="h-captcha",
    )
    html = _render(recaptcha_app)
    assert (
        'src="https://hcaptcha.example/1/api.js?hl=de&amp;render=%28explicit%29"'
        in html
    )
    assert 'class="h-captcha"' in html
    assert 'data-theme="dark"' in html
    assert 'data-size="compact"' in html
    assert 'data-sitekey="site-key"' in html


def test_attributes_given_at_rendering_win(recaptcha_app: Vial) -> None:
    recaptcha_app.config.update(
        RECAPTCHA_DIV_CLASS="from-config", RECAPTCHA_DATA_ATTRS={"theme": "light"}
    )
    html = _render(
        recaptcha_app,
        class_="from-call",
        data_theme="dark",
        id="mine",
        aria_label="captcha",
        style="margin: 1em;",
    )
    assert 'class="from-call"' in html
    assert "from-config" not in html
    assert 'data-theme="dark"' in html
    assert "light" not in html
    assert 'id="mine"' in html
    assert 'aria-label="captcha"' in html
    assert 'style="margin: 1em;"' in html


def test_values_are_escaped(recaptcha_app: Vial) -> None:
    recaptcha_app.config["RECAPTCHA_DATA_ATTRS"] = {"x": '"><script>'}

    class Form(VialForm):
        class Meta:
            csrf = False

        captcha = RecaptchaField(nonce='"><script>alert(1)</script>')

    with recaptcha_app.test_request_context():
        html = Form().captcha(title="<b>")
    assert "<script>alert" not in html
    assert "<b>" not in html
    assert 'nonce="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'data-x="&#34;&gt;&lt;script&gt;"' in html


def test_nonce_callable_is_called_at_each_rendering(recaptcha_app: Vial) -> None:
    nonces = iter(["first", "second"])

    class Form(VialForm):
        class Meta:
            csrf = False

        captcha = RecaptchaField(nonce=lambda: next(nonces))

    with recaptcha_app.test_request_context():
        form = Form()
        assert 'nonce="first"' in form.captcha()
        assert 'nonce="second"' in form.captcha()
    assert "nonce" not in _render(recaptcha_app)
