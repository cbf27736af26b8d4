"""Checking header values and reading e-mail addresses.

Everything that ends up in a header passes :func:`check_header` first: a
line break in a value would end the header and start another one, so a
subject taken from a form could add a ``Bcc:``. Python's ``email``
package splits lines on more than CR and LF (``str.splitlines`` also
breaks on VT, FF, the file separators, NEL and the Unicode line and
paragraph separators), so all of them are refused, with NUL.

Addresses are read strictly: one address per value, with a domain, no
trailing text. Non-ASCII display names are encoded when the message is
written (RFC 2047); a non-ASCII domain is converted to its ASCII form
(IDNA), which every server accepts; a non-ASCII local part (``jörg@...``)
cannot be written in ASCII at all, so it needs a server that supports
SMTPUTF8 (:func:`needs_smtputf8`).
"""

from __future__ import annotations

import re
import typing as t
import unicodedata
from email import policy
from email.errors import HeaderParseError
from email.errors import NonASCIILocalPartDefect
from email.headerregistry import Address

from .errors import BadHeaderError

#: An address as Flask-Mail accepts it: ``"ann@example.com"``,
#: ``"Ann <ann@example.com>"`` or ``("Ann", "ann@example.com")``.
AddressLike: t.TypeAlias = "str | tuple[str, str]"

_LINE_BREAK = re.compile("[\x00\n\x0b\x0c\r\x1c\x1d\x1e\x85\u2028\u2029]")
_parse_header = policy.default.header_factory


def has_line_break(value: str) -> bool:
    """Return whether ``value`` holds a character that ends a header line."""
    return _LINE_BREAK.search(value) is not None


def check_header(what: str, value: str) -> None:
    """Raise :class:`BadHeaderError` if ``value`` holds a line break.

    :param what: names the value in the error, such as ``"The subject"``.
    """
    if has_line_break(value):
        raise BadHeaderError(
            f"{what} contains a line break, which could inject e-mail headers:"
            f" {value!r}. Remove the line breaks (CR, LF and the like) from it."
        )


def check_address(what: str, value: AddressLike) -> None:
    """Raise :class:`BadHeaderError` if any part of an address holds a line break."""
    parts = value if isinstance(value, tuple) else (value,)
    for part in parts:
        check_header(what, part)


def parse_address(value: AddressLike, what: str = "The address") -> Address:
    """Read one address from a string or a ``(name, address)`` pair.

    A non-ASCII domain comes back in its ASCII form (IDNA).

    :param what: names the value in errors, such as ``"The recipient"``.
    :raises BadHeaderError: the value holds a line break.
    :raises ValueError: the value is not exactly one e-mail address.
    """
    check_address(what, value)
    if isinstance(value, tuple):
        if len(value) != 2:
            raise ValueError(
                f"{what} {value!r} is a tuple of {len(value)} items; give an"
                " address as a string or as a (name, address) pair."
            )
        name, text = value
        address = _parse_one(text, what, value)
        if address.display_name:
            raise ValueError(
                f"{what} {value!r} has a display name in both places; put the"
                " name only in the first item of the pair."
            )
    else:
        address = _parse_one(value, what, value)
        name = address.display_name
    return Address(name, address.username, _ascii_domain(address.domain, what, value))


def _parse_one(text: str, what: str, original: AddressLike) -> Address:
    try:
        header = _parse_header("to", text)
    except (HeaderParseError, IndexError):
        # The parser gives up on some malformed input ("ann@") with errors
        # of its own instead of defects.
        raise ValueError(
            f"{what} {original!r} is not a valid e-mail address; give one such as"
            " 'ann@example.com' or 'Ann <ann@example.com>'."
        ) from None
    defects = [
        defect
        for defect in header.defects
        if not isinstance(defect, NonASCIILocalPartDefect)
    ]
    addresses = header.addresses
    if len(addresses) != 1:
        count = "no address" if not addresses else f"{len(addresses)} addresses"
        raise ValueError(
            f"{what} {original!r} holds {count}; give exactly one e-mail address"
            " per item, such as 'ann@example.com' or 'Ann <ann@example.com>'."
        )
    address: Address = addresses[0]
    if defects or not address.username or not address.domain:
        raise ValueError(
            f"{what} {original!r} is not a valid e-mail address; give one such as"
            " 'ann@example.com' or 'Ann <ann@example.com>'."
        )
    return address


def _ascii_domain(domain: str, what: str, original: AddressLike) -> str:
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(
            f"The domain of {what.lower()} {original!r} cannot be converted to"
            " its ASCII form (IDNA); check its spelling."
        ) from None


def needs_smtputf8(address: Address) -> bool:
    """Return whether the address can only be sent through an SMTPUTF8 server."""
    return not address.username.isascii()


def format_address(value: AddressLike) -> str:
    """Return an address as one display string, ``Name <address>``, not encoded."""
    return str(parse_address(value))


def ascii_filename(filename: str) -> str:
    """Reduce a file name to ASCII: accents dropped, other letters removed.

    ``"Bericht für März.pdf"`` becomes ``"Bericht fur Marz.pdf"``. A name
    with nothing left but its extension keeps a placeholder stem.
    """
    if filename.isascii():
        return filename
    decomposed = unicodedata.normalize("NFKD", filename)
    reduced = decomposed.encode("ascii", "ignore").decode("ascii").strip()
    stem, dot, suffix = reduced.rpartition(".")
    if not reduced or (dot and not stem.strip()):
        return f"attachment{dot}{suffix}" if dot else "attachment"
    return reduced
