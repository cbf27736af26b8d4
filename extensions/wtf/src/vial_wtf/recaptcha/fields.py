"""The reCAPTCHA form field."""

from __future__ import annotations

import typing as t

from wtforms.fields import Field

from .validators import Recaptcha
from .widgets import RecaptchaWidget

if t.TYPE_CHECKING:
    from collections.abc import Callable
    from collections.abc import Sequence


class RecaptchaField(Field):
    """A reCAPTCHA on a form, checked by :class:`Recaptcha` unless other
    validators are given.

    While the app is ``TESTING`` or ``RECAPTCHA_ENABLED`` is False, every
    answer passes, so tests need no real reCAPTCHA.

    :param label: The field's label.
    :param validators: The validators; ``[Recaptcha()]`` by default.
    :param nonce: The ``nonce`` of the widget's ``<script>`` tag, for a
        Content Security Policy with nonces; a callable is called at each
        rendering (``nonce=lambda: g.csp_nonce``).
    """

    widget = RecaptchaWidget()

    #: The error code of the last failed check, ``"incorrect-captcha-sol"``
    #: when the verify server rejected the answer.
    recaptcha_error: str | None = None

    def __init__(
        self,
        label: str = "",
        validators: Sequence[t.Any] | None = None,
        nonce: str | Callable[[], str] | None = None,
        **kwargs: t.Any,
    ) -> None:
        self.nonce = nonce
        super().__init__(
            label, list(validators) if validators else [Recaptcha()], **kwargs
        )
