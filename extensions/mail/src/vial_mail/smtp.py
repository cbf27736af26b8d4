"""The ``smtp`` backend: sending through an SMTP server with smtplib.

Every step has a time limit (``MAIL_TIMEOUT``, applied to connecting and to
each answer), TLS always verifies the server's certificate and name, and
every failure becomes a :class:`~vial_mail.MailSendError` that names the
server, the step that failed and the setting to check, with the original
error as its cause. The password never appears in an error.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import smtplib
import socket
import ssl
import typing as t

from .errors import MailSendError

if t.TYPE_CHECKING:
    from .message import Envelope
    from .message import Message

_logger = logging.getLogger("vial_mail")

#: What the user checks when TLS fails, by how TLS was asked for.
_TLS_HINT = (
    "MAIL_USE_SSL is for servers that speak TLS from the first byte (usually"
    " port 465), MAIL_USE_TLS for STARTTLS (usually port 587); use the one"
    " the server expects"
)


class SMTPBackend:
    """Sends messages through one SMTP connection, opened by :meth:`open`.

    :param server: host name or address; ``localhost`` when ``None``.
    :param port: the server's port.
    :param use_tls: switch to TLS with STARTTLS after connecting.
    :param use_ssl: connect with TLS from the start.
    :param username: log in with this name when given (and ``password``).
    :param password: the password to log in with.
    :param timeout: seconds allowed for connecting and for each answer.
    :param cafile: certificate authorities to trust instead of the system's.
    :param local_hostname: the name given in EHLO; the machine's FQDN when
        ``None``.
    :param debug: print the SMTP conversation to standard error.
    """

    def __init__(
        self,
        *,
        server: str | None,
        port: int,
        use_tls: bool = False,
        use_ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 10.0,
        cafile: str | None = None,
        local_hostname: str | None = None,
        debug: bool = False,
    ) -> None:
        self.server = server or "localhost"
        self.port = port
        self.use_tls = use_tls
        self.use_ssl = use_ssl
        self.username = username
        self.password = password
        self.timeout = timeout
        self.cafile = cafile
        self.local_hostname = local_hostname
        self.debug = debug
        #: The open smtplib connection, between :meth:`open` and :meth:`close`.
        self.host: smtplib.SMTP | None = None

    @property
    def address(self) -> str:
        """The server as ``host:port``, as errors name it."""
        return f"{self.server}:{self.port}"

    def open(self) -> None:
        """Connect, switch to TLS when asked, and log in when a user is set.

        :raises MailSendError: any step failed.
        """
        context = ssl.create_default_context(cafile=self.cafile)
        host: smtplib.SMTP
        with self._errors("connecting"):
            if self.use_ssl:
                host = smtplib.SMTP_SSL(
                    self.server,
                    self.port,
                    local_hostname=self.local_hostname,
                    timeout=self.timeout,
                    context=context,
                )
            else:
                host = smtplib.SMTP(
                    self.server,
                    self.port,
                    local_hostname=self.local_hostname,
                    timeout=self.timeout,
                )
        self.host = host
        try:
            host.set_debuglevel(int(self.debug))
            if self.use_tls:
                with self._errors("starting TLS (STARTTLS)"):
                    host.starttls(context=context)
            if self.username and self.password:
                with self._errors("logging in"):
                    _login(host, self.username, self.password)
        except BaseException:
            self.close()
            raise

    def send(self, message: Message, envelope: Envelope) -> None:
        """Send one message over the open connection.

        :raises MailSendError: the server refused the message or the
            connection failed.
        """
        host = self.host
        if host is None:
            raise RuntimeError(
                "The SMTP backend is not connected. Send through mail.send() or"
                " inside 'with mail.connect() as connection:'."
            )
        mail_options = list(message.mail_options)
        if envelope.smtputf8:
            with self._errors("sending the message"):
                host.ehlo_or_helo_if_needed()
            if not host.has_extn("smtputf8"):
                raise MailSendError(
                    f"The SMTP server at {self.address} does not support"
                    " SMTPUTF8, which the address with non-ASCII characters"
                    f" before the @ in {[*envelope.recipients, envelope.sender]}"
                    " needs. Use another server, or an ASCII address.",
                    server=self.address,
                )
            mail_options.append("SMTPUTF8")
        with self._errors("sending the message"):
            refused = host.sendmail(
                envelope.sender,
                envelope.recipients,
                envelope.email.as_bytes(),
                mail_options,
                list(message.rcpt_options),
            )
        if refused:
            _logger.warning(
                "The SMTP server at %s refused some recipients of %r: %s",
                self.address,
                message.subject,
                ", ".join(
                    f"{a} ({code} {reply!r})" for a, (code, reply) in refused.items()
                ),
            )

    def close(self) -> None:
        """Say goodbye to the server and close the connection, whatever its state."""
        host, self.host = self.host, None
        if host is None:
            return
        try:
            host.quit()
        except (OSError, smtplib.SMTPException):
            # The connection is lost or the server misbehaves; there is
            # nothing left to tell it, only the socket to close.
            host.close()

    @contextlib.contextmanager
    def _errors(self, step: str) -> t.Iterator[None]:
        """Turn errors of smtplib, ssl and socket during ``step`` into MailSendError."""
        try:
            yield
        except MailSendError:
            raise
        except (smtplib.SMTPException, OSError) as e:
            raise MailSendError(self._explain(e, step), server=self.address) from e

    def _explain(self, error: BaseException, step: str) -> str:
        where = f"the SMTP server at {self.address}"
        if isinstance(error, ConnectionRefusedError):
            return (
                f"Could not connect to {where}: the connection was refused."
                " Check MAIL_SERVER and MAIL_PORT, and that the server is running."
            )
        if isinstance(error, socket.gaierror):
            return (
                f"Could not find the SMTP server {self.server!r} ({error})."
                " Check the spelling of MAIL_SERVER."
            )
        # smtplib reports a read that timed out as a lost connection.
        if isinstance(error, TimeoutError) or (
            isinstance(error, smtplib.SMTPServerDisconnected)
            and isinstance(error.__context__, TimeoutError)
        ):
            return (
                f"{_capital(where)} did not answer within {_seconds(self.timeout)}"
                f" while {step}. Check MAIL_SERVER and MAIL_PORT ({_TLS_HINT}),"
                " or raise MAIL_TIMEOUT for a slow server."
            )
        if isinstance(error, ssl.SSLCertVerificationError):
            return (
                f"The certificate of {where} could not be verified while {step}:"
                f" {error.verify_message or error}. If a private certificate"
                " authority signed it, set MAIL_SSL_CAFILE to that authority's"
                " certificate file; check that MAIL_SERVER is the name the"
                " certificate is for."
            )
        if isinstance(error, ssl.SSLError):
            return f"TLS with {where} failed while {step}: {error}. {_TLS_HINT}."
        if isinstance(error, smtplib.SMTPAuthenticationError):
            return (
                f"{_capital(where)} refused the login of {self.username!r}"
                f" ({_reply(error)}). Check MAIL_USERNAME and MAIL_PASSWORD."
            )
        if isinstance(error, smtplib.SMTPNotSupportedError):
            if step == "logging in":
                return (
                    f"{_capital(where)} offers no login (AUTH), but MAIL_USERNAME"
                    " is set. Many servers offer it only over TLS: set"
                    " MAIL_USE_TLS or MAIL_USE_SSL, or unset MAIL_USERNAME."
                )
            return (
                f"{_capital(where)} does not support what {step} needs ({error})."
                " If it offers no STARTTLS, turn MAIL_USE_TLS off or use"
                " MAIL_USE_SSL."
            )
        if isinstance(error, smtplib.SMTPSenderRefused):
            return (
                f"{_capital(where)} refused the sender {error.sender!r}"
                f" ({_reply(error)}). Check the message's sender or"
                " MAIL_DEFAULT_SENDER, and that MAIL_USERNAME may send as it."
            )
        if isinstance(error, smtplib.SMTPRecipientsRefused):
            refused = ", ".join(
                f"{address} ({code} {_text(reply)})"
                for address, (code, reply) in error.recipients.items()
            )
            return f"{_capital(where)} refused every recipient: {refused}."
        if isinstance(error, smtplib.SMTPResponseException):
            return f"{_capital(where)} answered {_reply(error)} while {step}."
        if isinstance(error, (smtplib.SMTPServerDisconnected, ConnectionError)):
            return (
                f"{_capital(where)} closed the connection while {step}. Check"
                f" MAIL_SERVER and MAIL_PORT ({_TLS_HINT}), and the server's log."
            )
        return f"Sending through {where} failed while {step}: {error}."


def _login(host: smtplib.SMTP, username: str, password: str) -> None:
    """Log in, with non-ASCII user names and passwords too.

    smtplib's ``login`` encodes credentials as ASCII and fails on any other
    character, though PLAIN (RFC 4616) and the LOGIN servers use UTF-8.
    ASCII credentials go through ``login`` (which also knows CRAM-MD5);
    others are sent with PLAIN or LOGIN in UTF-8.
    """
    if username.isascii() and password.isascii():
        host.login(username, password)
        return
    host.ehlo_or_helo_if_needed()
    if not host.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("The server offers no AUTH.")
    offered = host.esmtp_features["auth"].upper().split()
    user, secret = username.encode(), password.encode()
    if "PLAIN" in offered:
        code, reply = host.docmd("AUTH", "PLAIN " + _b64(b"\0" + user + b"\0" + secret))
    elif "LOGIN" in offered:
        code, reply = host.docmd("AUTH", "LOGIN " + _b64(user))
        if code == 334:
            code, reply = host.docmd(_b64(secret))
    else:
        raise smtplib.SMTPAuthenticationError(
            504,
            b"Non-ASCII credentials need AUTH PLAIN or LOGIN; the server offers"
            + b" neither.",
        )
    # 503: already logged in on this connection.
    if code not in (235, 503):
        raise smtplib.SMTPAuthenticationError(code, reply)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _seconds(value: float) -> str:
    return f"{value:g} second{'' if value == 1 else 's'}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text(error.smtp_error)}"


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
