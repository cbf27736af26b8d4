from __future__ import annotations

from wtforms.validators import DataRequired

from vial import Vial
from vial_wtf import Recaptcha
from vial_wtf import RecaptchaField
from vial_wtf import RecaptchaWidget
from vial_wtf import VialForm


class CaptchaForm(VialForm):
    class Meta:
        csrf = False

    captcha = RecaptchaField("Are you human?")


def test_field_checks_with_recaptcha_by_default(recaptcha_app: Vial) -> None:
    with recaptcha_app.test_request_context(method="POST"):
        form = CaptchaForm()
        assert isinstance(form.captcha.widget, RecaptchaWidget)
        assert [type(v) for v in form.captcha.validators] == [Recaptcha]
        assert form.captcha.label.text == "Are you human?"
        assert form.captcha.nonce is None
        assert form.captcha.recaptcha_error is None
        assert not form.validate()
        assert form.errors == {"captcha": ["Please complete the reCAPTCHA."]}


def test_field_with_other_validators_and_a_nonce(recaptcha_app: Vial) -> None:
    class Form(VialForm):
        class Meta:
            csrf = False

        captcha = RecaptchaField(validators=[DataRequired()], nonce="n0nce")

    with recaptcha_app.test_request_context(method="POST"):
        form = Form()
        assert [type(v) for v in form.captcha.validators] == [DataRequired]
        assert form.captcha.nonce == "n0nce"
        assert 'nonce="n0nce"' in form.captcha()


def test_every_answer_passes_while_testing(recaptcha_app: Vial) -> None:
    recaptcha_app.testing = True
    with recaptcha_app.test_request_context(method="POST"):
        form = CaptchaForm()
        assert form.validate()
