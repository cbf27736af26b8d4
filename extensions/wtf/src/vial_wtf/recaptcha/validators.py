"""The reCAPTCHA validator: asks the verify server whether an answer is right.

The answer the browser posts (``g-recaptcha-response``, in the form or a
JSON body) is sent with ``RECAPTCHA_PRIVATE_KEY`` to
``RECAPTCHA_VERIFY_SERVER`` by :func:`urllib.request.urlopen`, called as
``http.urlopen(url, data)`` through this module's ``http`` name, as in
Flask-WTF; tests replace it (``monkeypatch.setattr(http, "urlopen", fake)``)
so that no test reaches the network. While the app is ``TESTING``, or
``RECAPTCHA_ENABLED`` is False, nothing is sent and every answer passes.
"""

from __future__ import annotations

import json
import logging
import typing as t
import urllib.request as http
from urllib.parse import urlencode

from wtforms.validators import ValidationError

from vial.ext import get_app
from vial.ext import get_request
from vial_wtf.config import get_setting

if t.TYPE_CHECKING:
    from wtforms.fields.core import Field
    from wtforms.form import BaseForm

    from vial.wrappers import Request

# http is public, as in Flask-WTF: tests replace http.urlopen through it.
__all__ = ["RECAPTCHA_ERROR_CODES", "UNAVAILABLE", "Recaptcha", "http"]

logger = logging.getLogger("vial_wtf.recaptcha")

#: The form field the reCAPTCHA script fills with the user's answer.
RESPONSE_FIELD = "g-recaptcha-response"

#: Messages for the error codes of the verify server that concern the
#: user's answer. Codes about the site's own key are logged instead.
RECAPTCHA_ERROR_CODES = {
    "missing-input-response": "Please complete the reCAPTCHA.",
    "invalid-input-response": (
        "The reCAPTCHA answer was not accepted; please complete it again."
    ),
    "timeout-or-duplicate": (
        "The reCAPTCHA answer has expired or was used already; please"
        " complete it again."
    ),
}

#: The message when the verify server could not be asked or answered
#: nonsense: the site's fault, not the user's.
UNAVAILABLE = "The reCAPTCHA could not be checked right now; please try again."


class Recaptcha:
    """Check the reCAPTCHA answer of the current request.

    :param message: The error when the answer is missing or wrong; by
        default the one for the verify server's error code, else "Please
        complete the reCAPTCHA.".
    """

    def __init__(self, message: str | None = None) -> None:
        if message is None:
            message = RECAPTCHA_ERROR_CODES["missing-input-response"]
        self.message = message

    def __call__(self, form: BaseForm, field: Field) -> None:
        """Validate ``field``.

        :raises RuntimeError: ``RECAPTCHA_PRIVATE_KEY`` is not set.
        """
        app = get_app()
        if app.testing or not get_setting(app, "RECAPTCHA_ENABLED"):
            return
        request = get_request()
        answer = _answer(request)
        if not answer:
            raise ValidationError(field.gettext(self.message))
        if not self._validate_recaptcha(answer, request.remote_addr):
            # RecaptchaField declares it; a plain field gets it the same way.
            t.cast(t.Any, field).recaptcha_error = "incorrect-captcha-sol"
            raise ValidationError(field.gettext(self.message))

    def _validate_recaptcha(self, response: str, remote_addr: str | None) -> bool:
        """Ask the verify server about ``response``; return whether it passed.

        :raises ValidationError: the server named what is wrong with the
            answer, or could not be asked.
        """
        app = get_app()
        private_key = app.config.get("RECAPTCHA_PRIVATE_KEY")
        if not private_key:
            raise RuntimeError(
                "No RECAPTCHA_PRIVATE_KEY is set. Set"
                " app.config['RECAPTCHA_PRIVATE_KEY'] to the secret key of your"
                " reCAPTCHA site, or set RECAPTCHA_ENABLED to False."
            )
        url = get_setting(app, "RECAPTCHA_VERIFY_SERVER")
        data = urlencode(
            {"secret": private_key, "remoteip": remote_addr, "response": response}
        ).encode()
        timeout = get_setting(app, "WTF_RECAPTCHA_TIMEOUT")
        try:
            if timeout is None:
                reply = http.urlopen(url, data)
            else:
                reply = http.urlopen(url, data, timeout=timeout)
            try:
                if reply.code != 200:
                    return False
                result = json.loads(reply.read())
            finally:
                close = getattr(reply, "close", None)
                if close is not None:
                    close()
        except (OSError, ValueError) as e:
            # Unreachable, timed out, refused (urllib's HTTPError is an
            # OSError), or not JSON.
            logger.warning("The reCAPTCHA verify server failed: %s", e)
            raise ValidationError(UNAVAILABLE) from None
        if not isinstance(result, dict):
            logger.warning("The reCAPTCHA verify server answered %r.", result)
            raise ValidationError(UNAVAILABLE)
        if result.get("success") is True:
            return True
        codes = result.get("error-codes") or []
        for code in codes:
            if code in RECAPTCHA_ERROR_CODES:
                raise ValidationError(RECAPTCHA_ERROR_CODES[code])
        if any(isinstance(code, str) and "secret" in code for code in codes):
            logger.error("The reCAPTCHA verify server refused the key: %s", codes)
            raise ValidationError(UNAVAILABLE)
        return False


def _answer(request: Request) -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        value = body.get(RESPONSE_FIELD) if isinstance(body, dict) else None
    else:
        value = request.form.get(RESPONSE_FIELD)
    return value if isinstance(value, str) else ""
