"""E-mail addresses as accounts store them, and client addresses as counters
key them.

An account is found by its e-mail address, whatever case the user types it
in. Addresses are stored normalised (:func:`normalize_email`): Unicode NFKC,
surrounding whitespace removed and the whole address in lower case. The
unique constraint on the stored value then also holds across spellings, so
two registrations of ``Ann@Example.com`` and ``ann@example.com`` racing
each other still give one account, and every lookup is an exact match.
Lower-casing the local part is what nearly every mail provider does anyway;
an app that needs case-sensitive local parts keeps its own column.

Failed logins and form submissions are counted per client address
(:func:`client_key`). An IPv6 client usually holds a whole /64 network, so
IPv6 addresses are counted per /64; counting each address would let one
client spread its guesses over billions of them.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata

#: The longest address SMTP can deliver to (RFC 5321's path limit, less
#: the angle brackets).
MAX_EMAIL_LENGTH = 254

#: The longest local part (before the ``@``) RFC 5321 allows.
MAX_LOCAL_LENGTH = 64

# Whitespace, controls, and what would end a header or an address list.
_FORBIDDEN = re.compile(r'[\s\x00-\x1f\x7f<>(),;:\\"\[\]]')
_DOMAIN_LABEL = re.compile(r"(?!-)[^\s.@]{1,63}(?<!-)")


class InvalidEmailError(ValueError):
    """The text is not an e-mail address vial-accounts can store.

    Its message is a sentence for the user, shown next to the form field.
    """


def normalize_email(value: str) -> str:
    """Return the stored form of the e-mail address ``value``.

    :raises InvalidEmailError: ``value`` is not an address of the form
        ``local@domain.tld``, or is too long to deliver to.
    """
    if not isinstance(value, str):
        raise InvalidEmailError("Enter an e-mail address.")
    address = unicodedata.normalize("NFKC", value).strip().lower()
    if not address:
        raise InvalidEmailError("Enter an e-mail address.")
    if len(address) > MAX_EMAIL_LENGTH:
        raise InvalidEmailError(
            f"The e-mail address is too long; use at most {MAX_EMAIL_LENGTH}"
            " characters."
        )
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or _FORBIDDEN.search(address):
        raise InvalidEmailError(
            "Enter a valid e-mail address, such as name@example.com."
        )
    if len(local) > MAX_LOCAL_LENGTH or "@" in local:
        raise InvalidEmailError(
            "Enter a valid e-mail address, such as name@example.com."
        )
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        raise InvalidEmailError(
            "Enter a valid e-mail address, such as name@example.com."
        )
    return address


def email_key(email: str) -> str:
    """Return the counter key of an e-mail address: a digest, not the address.

    Counters are kept for addresses that have no account too (so that a
    lockout does not tell which exist); storing a digest keeps those
    addresses out of the database and out of Redis.
    """
    return hashlib.sha256(email.encode("utf-8")).hexdigest()[:40]


def client_key(remote_addr: str | None) -> str:
    """Return the counter key of a client address: IPv4 as is, IPv6 per /64.

    ``remote_addr`` is ``request.remote_addr``, which the app's proxy setup
    (werkzeug's ``ProxyFix``) decides; headers a client sends are not read
    here. A missing or unparsable address (a unix socket) counts as one
    client, ``"unknown"``.
    """
    if not remote_addr:
        return "unknown"
    try:
        address = ipaddress.ip_address(remote_addr.strip("[]"))
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        if mapped is not None:
            return str(mapped)
        network = ipaddress.IPv6Network((int(address) >> 64 << 64, 64))
        return str(network)
    return str(address)
