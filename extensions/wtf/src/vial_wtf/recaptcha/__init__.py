"""A reCAPTCHA field for forms: its widget, and the validator that checks answers.

The module layout is Flask-WTF's (``flask_wtf.recaptcha.fields``,
``.validators``, ``.widgets``), so code importing from any of them ports.
"""

from .fields import RecaptchaField as RecaptchaField
from .validators import Recaptcha as Recaptcha
from .widgets import RecaptchaWidget as RecaptchaWidget
