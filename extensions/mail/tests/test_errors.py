from __future__ import annotations

import smtplib

from vial_mail import BadHeaderError
from vial_mail import MailSendError


def test_mail_send_error_is_caught_as_flask_mail_errors_were() -> None:
    error = MailSendError("The server is gone.", server="mail.example.com:25")
    assert isinstance(error, smtplib.SMTPException)
    assert isinstance(error, OSError)
    assert error.server == "mail.example.com:25"
    assert str(error) == "The server is gone."


def test_bad_header_error_is_a_value_error() -> None:
    assert issubclass(BadHeaderError, ValueError)
