"""Where a request may send the user next, without becoming an open redirect.

A page that redirects to whatever a ``next`` parameter says lets an attacker
send a link to the real site that ends on their own. Login, logout, account
and confirmation pages all follow ``next``; they all ask
:func:`is_safe_redirect_url` first.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Browsers drop tabs and newlines from URLs and treat "\" like "/", so
# "/\t/evil.example" and "/\evil.example" both lead to evil.example.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\]")
# Encoded slashes or backslashes right after the first "/" become "//" or
# "/\" once a proxy or the app decodes the path and redirects again.
_ENCODED_SEPARATOR = re.compile(r"^/(%2f|%5c)", re.IGNORECASE)


def is_safe_redirect_url(target: object) -> bool:
    """Return whether ``target`` is a path on this site, safe to redirect to.

    Accepted: ``/account``, ``/search?q=a%20b#top``. Refused: anything that
    is not a non-empty string, absolute URLs (``https://evil.example``),
    protocol-relative URLs (``//evil.example``), any backslash
    (``\\\\evil``, ``/\\evil``), schemes such as ``javascript:``, relative
    paths without a leading ``/``, whitespace and control characters, and
    encoded slashes right after the leading ``/``.
    """
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    if _UNSAFE_CHARACTERS.search(target) or _ENCODED_SEPARATOR.match(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
