"""E-mail messages and attachments, with Flask-Mail's ``Message`` API.

A :class:`Message` is plain data until it is sent or written out; then
:meth:`Message.to_email` builds a standard library
:class:`~email.message.EmailMessage` from it, checking every header value
first (:class:`~vial_mail.BadHeaderError`). The ``email`` package does the
encoding: non-ASCII subjects and display names as RFC 2047 encoded words,
non-ASCII attachment names as RFC 2231 parameters, and bodies as
quoted-printable or base64 whenever they are not plain ASCII, so a message
passes through any server, 8BITMIME or not.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import re
import typing as t
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import datetime
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import format_datetime
from email.utils import formatdate
from email.utils import make_msgid

from vial.ext import find_app

from .addresses import AddressLike
from .addresses import ascii_filename
from .addresses import check_address
from .addresses import check_header
from .addresses import has_line_break
from .addresses import needs_smtputf8
from .addresses import parse_address
from .errors import BadHeaderError


class Sender(t.Protocol):
    """Anything that sends a message, such as the connection of :meth:`Mail.connect`."""

    def send(self, message: Message, /) -> None:
        """Send ``message``."""


#: Policies of the messages written: lines end with CRLF, and bodies are
#: always 7-bit safe. With an address that needs SMTPUTF8, headers are
#: written in UTF-8 instead of encoded words.
_POLICY = email_policy.SMTP.clone(cte_type="7bit")
_POLICY_UTF8 = email_policy.SMTPUTF8.clone(cte_type="7bit")

#: A header name as RFC 5322 allows it: printable ASCII but the colon.
_HEADER_NAME = re.compile(r"[!-9;-~]+")

#: Headers that describe the MIME structure; the message sets them itself.
_STRUCTURAL_HEADERS = frozenset(
    ("content-type", "content-transfer-encoding", "mime-version")
)

HeadersLike: t.TypeAlias = "Mapping[str, str] | Iterable[tuple[str, str]]"


@dataclasses.dataclass
class Attachment:
    """A file attached to a message.

    :param filename: the name mail programs show; may hold any characters.
    :param content_type: the MIME type; guessed from ``filename`` when
        left out, ``application/octet-stream`` when that fails.
    :param data: the content; text is encoded with the message's charset.
    :param disposition: ``"attachment"`` (the default) or ``"inline"``.
    :param headers: extra headers of this part, such as ``Content-ID``.
    """

    filename: str | None = None
    content_type: str | None = None
    data: str | bytes | None = None
    disposition: str | None = None
    headers: HeadersLike | None = None

    def __post_init__(self) -> None:
        if self.content_type is None and self.filename:
            self.content_type = mimetypes.guess_type(self.filename)[0]
        if self.content_type is None:
            self.content_type = "application/octet-stream"
        if self.disposition is None:
            self.disposition = "attachment"


@dataclasses.dataclass(frozen=True)
class Envelope:
    """A message ready for a backend: the MIME message and its SMTP envelope."""

    #: The message as the standard library builds it.
    email: EmailMessage
    #: The address given in ``MAIL FROM``.
    sender: str
    #: Every address given in ``RCPT TO``: recipients, cc and bcc, once each.
    recipients: list[str]
    #: Whether some address has a non-ASCII local part.
    smtputf8: bool


class Message:
    """An e-mail message, with the arguments and attributes of Flask-Mail's.

    :param subject: the subject line.
    :param recipients: the ``To`` addresses; more with :meth:`add_recipient`.
    :param body: the plain text body.
    :param html: the HTML body, sent as an alternative to ``body``.
    :param alts: other alternatives, as ``{subtype: content}``
        (``{"html": ...}`` is the same as ``html=``).
    :param sender: the ``From`` address; ``MAIL_DEFAULT_SENDER`` of the
        current app when left out.
    :param cc: the ``Cc`` addresses.
    :param bcc: addresses that receive the message without being named in
        it.
    :param attachments: :class:`Attachment` objects; more with
        :meth:`attach`.
    :param reply_to: the ``Reply-To`` address.
    :param date: the ``Date``, as a Unix timestamp or a datetime; the time
        of sending when left out.
    :param charset: the charset of text parts, ``utf-8`` by default.
    :param extra_headers: more headers, replacing the message's own of the
        same name.
    :param mail_options: options of the SMTP ``MAIL FROM`` command.
    :param rcpt_options: options of each SMTP ``RCPT TO`` command.

    An address is ``"ann@example.com"``, ``"Ann <ann@example.com>"`` or
    ``("Ann", "ann@example.com")``.
    """

    def __init__(
        self,
        subject: str = "",
        recipients: Iterable[AddressLike] | None = None,
        body: str | None = None,
        html: str | None = None,
        alts: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
        sender: AddressLike | None = None,
        cc: Iterable[AddressLike] | None = None,
        bcc: Iterable[AddressLike] | None = None,
        attachments: Iterable[Attachment] | None = None,
        reply_to: AddressLike | None = None,
        date: float | datetime | None = None,
        charset: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        mail_options: Iterable[str] | None = None,
        rcpt_options: Iterable[str] | None = None,
    ) -> None:
        self.subject = subject
        self.sender: AddressLike | None = sender or _app_config("MAIL_DEFAULT_SENDER")
        self.recipients: list[AddressLike] = list(recipients or ())
        self.cc: list[AddressLike] = list(cc or ())
        self.bcc: list[AddressLike] = list(bcc or ())
        self.reply_to = reply_to
        self.body = body
        self.alts: dict[str, str] = dict(alts or {})
        if html is not None:
            self.html = html
        self.attachments: list[Attachment] = list(attachments or ())
        self.date = date
        self.charset = charset
        self.extra_headers: dict[str, str] = dict(extra_headers or {})
        self.mail_options: list[str] = list(mail_options or ())
        self.rcpt_options: list[str] = list(rcpt_options or ())
        #: The ``Message-ID``, made with the sender's domain: the machine's
        #: own name would need a DNS lookup.
        self.msgId = make_msgid(domain=_msgid_domain(self.sender))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.subject!r} to {self.recipients!r}>"

    @property
    def html(self) -> str | None:
        """The HTML body, kept in :attr:`alts` under ``"html"``."""
        return self.alts.get("html")

    @html.setter
    def html(self, value: str | None) -> None:
        if value is None:
            self.alts.pop("html", None)
        else:
            self.alts["html"] = value

    @property
    def send_to(self) -> set[AddressLike]:
        """Every address the message goes to: recipients, cc and bcc."""
        return set(self.recipients) | set(self.cc) | set(self.bcc)

    def add_recipient(self, recipient: AddressLike) -> None:
        """Add a ``To`` address."""
        self.recipients.append(recipient)

    def attach(
        self,
        filename: str | None = None,
        content_type: str | None = None,
        data: str | bytes | None = None,
        disposition: str | None = None,
        headers: HeadersLike | None = None,
    ) -> None:
        """Attach a file; the arguments are those of :class:`Attachment`."""
        self.attachments.append(
            Attachment(filename, content_type, data, disposition, headers)
        )

    def has_bad_headers(self) -> bool:
        """Return whether a header value holds a line break (see BadHeaderError)."""
        try:
            self._check_headers()
        except BadHeaderError:
            return True
        return False

    def send(self, connection: Sender) -> None:
        """Send the message through an open connection (:meth:`Mail.connect`)."""
        connection.send(self)

    def as_string(self) -> str:
        """Return the message as text, as it would be sent."""
        return self.to_email().as_string()

    def as_bytes(self) -> bytes:
        """Return the message as bytes, as it would be sent."""
        return self.to_email().as_bytes()

    __str__ = as_string
    __bytes__ = as_bytes

    def to_email(self, *, ascii_attachments: bool | None = None) -> EmailMessage:
        """Build the standard library's :class:`~email.message.EmailMessage`.

        :param ascii_attachments: reduce attachment names to ASCII;
            ``MAIL_ASCII_ATTACHMENTS`` of the current app when left out.
        :raises BadHeaderError: a header value holds a line break.
        :raises ValueError: an address is not valid.
        """
        return self.envelope(ascii_attachments=ascii_attachments).email

    def envelope(self, *, ascii_attachments: bool | None = None) -> Envelope:
        """Build the message and its SMTP envelope (see :meth:`to_email`)."""
        self._check_headers()
        if ascii_attachments is None:
            ascii_attachments = bool(_app_config("MAIL_ASCII_ATTACHMENTS"))
        sender = (
            None if self.sender is None else parse_address(self.sender, "The sender")
        )
        to = [parse_address(value, "The recipient") for value in self.recipients]
        cc = [parse_address(value, "The cc address") for value in self.cc]
        bcc = [parse_address(value, "The bcc address") for value in self.bcc]
        reply_to = (
            None
            if self.reply_to is None
            else parse_address(self.reply_to, "The reply-to address")
        )
        shown = [a for a in (sender, reply_to, *to, *cc) if a is not None]
        smtputf8 = any(needs_smtputf8(a) for a in (*shown, *bcc))

        email = EmailMessage(policy=_POLICY_UTF8 if smtputf8 else _POLICY)
        email["Subject"] = self.subject
        if sender is not None:
            email["From"] = sender
        if to:
            email["To"] = to
        if cc:
            email["Cc"] = cc
        if reply_to is not None:
            email["Reply-To"] = reply_to
        email["Date"] = _format_date(self.date)
        email["Message-ID"] = self.msgId
        for name, value in self.extra_headers.items():
            del email[name]
            email[name] = value
        self._set_content(email, ascii_attachments)

        recipients = list(dict.fromkeys(a.addr_spec for a in (*to, *cc, *bcc)))
        return Envelope(
            email=email,
            sender="" if sender is None else sender.addr_spec,
            recipients=recipients,
            smtputf8=smtputf8,
        )

    def _check_headers(self) -> None:
        check_header("The subject", self.subject)
        for what, value in (
            ("The sender", self.sender),
            ("The reply-to", self.reply_to),
        ):
            if value is not None:
                check_address(what, value)
        for what, values in (
            ("A recipient", self.recipients),
            ("A cc address", self.cc),
            ("A bcc address", self.bcc),
        ):
            for value in values:
                check_address(what, value)
        _check_extra_headers("An extra header", self.extra_headers.items())
        for attachment in self.attachments:
            for what, text in (
                ("An attachment's file name", attachment.filename),
                ("An attachment's content type", attachment.content_type),
                ("An attachment's disposition", attachment.disposition),
            ):
                if text is not None:
                    check_header(what, text)
            _check_extra_headers(
                "A header of an attachment", _items(attachment.headers)
            )

    def _set_content(self, email: EmailMessage, ascii_attachments: bool) -> None:
        charset = self.charset or "utf-8"
        texts = [] if self.body is None else [("plain", self.body)]
        texts += self.alts.items()
        if not texts:
            texts = [("plain", "")]
        (subtype, content), *alternatives = texts
        email.set_content(content, subtype=subtype, charset=charset)
        for subtype, content in alternatives:
            email.add_alternative(content, subtype=subtype, charset=charset)
        for attachment in self.attachments:
            _add_attachment(email, attachment, charset, ascii_attachments)
        # add_alternative() and add_attachment() make their parts with the
        # class of the message, which gives each a MIME-Version header of
        # its own; only the top of the message has one.
        for part in email.walk():
            if part is not email:
                del part["MIME-Version"]


def _add_attachment(
    email: EmailMessage, attachment: Attachment, charset: str, ascii_names: bool
) -> None:
    content_type = attachment.content_type or "application/octet-stream"
    maintype, _, subtype = content_type.partition("/")
    params = {}
    data = attachment.data or b""
    if isinstance(data, str):
        data = data.encode(charset)
        if maintype == "text":
            params["charset"] = charset
    filename = attachment.filename
    if filename is not None and ascii_names:
        filename = ascii_filename(filename)
    email.add_attachment(
        data,
        maintype=maintype,
        subtype=subtype or "octet-stream",
        filename=filename,
        disposition=attachment.disposition,
        params=params,
    )
    part = t.cast("list[EmailMessage]", email.get_payload())[-1]
    for name, value in _items(attachment.headers):
        del part[name]
        part[name] = value


def _items(headers: HeadersLike | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return list(headers)


def _check_extra_headers(what: str, headers: Iterable[tuple[str, str]]) -> None:
    for name, value in headers:
        if not _HEADER_NAME.fullmatch(name):
            raise BadHeaderError(
                f"{what} has the name {name!r}, which is not a valid header"
                " name; use printable ASCII characters without spaces or colons."
            )
        if name.lower() in _STRUCTURAL_HEADERS:
            raise ValueError(
                f"{what} sets {name}, which the message sets itself from its"
                " body, alternatives and attachments; remove it from the headers."
            )
        check_header(f"The header {name}", value)


def _format_date(date: float | datetime | None) -> str:
    if isinstance(date, datetime):
        if date.tzinfo is None:
            date = date.astimezone()
        return format_datetime(date)
    return formatdate(date, localtime=True)


def _msgid_domain(sender: AddressLike | None) -> str:
    if sender is not None and not _has_bad_parts(sender):
        try:
            return parse_address(sender).domain
        except ValueError:
            pass
    return "localhost"


def _has_bad_parts(value: AddressLike) -> bool:
    parts = value if isinstance(value, tuple) else (value,)
    return any(has_line_break(part) for part in parts)


def _app_config(key: str) -> t.Any:
    """Return a setting of the current app, ``None`` outside an app context.

    Messages are often made before the extension is needed, even without
    one: reading the config rather than the extension's state keeps them
    usable anywhere.
    """
    app = find_app()
    return None if app is None else app.config.get(key)
