"""Where to send the user after login, without becoming an open redirect.

A login page that redirects to whatever ``next`` says lets an attacker
send a link to the real login page that ends on their own site. vial-login
only accepts a ``next`` that is a path on the same site: it starts with one
``/``, and holds nothing a browser could read as another host.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlsplit

from vial import current_app
from vial import request
from vial import session

# Browsers drop tabs and newlines from URLs and treat "\" like "/", so
# "/\t/evil.example" and "/\evil.example" both lead to evil.example.
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f\\]")
# Encoded slashes or backslashes right after the first "/" become "//" or
# "/\" once a proxy or the app decodes the path and redirects again.
_ENCODED_SEPARATOR = re.compile(r"^/(%2f|%5c)", re.IGNORECASE)


def is_safe_next_url(target: str | None) -> bool:
    """Return whether ``target`` is a path on this site, safe to redirect to.

    Accepted: ``/account``, ``/search?q=a%20b#top``. Refused: ``None`` and
    empty values, absolute URLs (``https://evil.example``), protocol-relative
    URLs (``//evil.example``), any backslash (``\\\\evil``, ``/\\evil``),
    schemes such as ``javascript:``, relative paths without a leading ``/``,
    whitespace and control characters, and encoded slashes right after the
    leading ``/``.
    """
    if not target or not isinstance(target, str):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    if _UNSAFE_CHARACTERS.search(target) or _ENCODED_SEPARATOR.match(target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def get_next_url(default: str | None = None) -> str | None:
    """Return the safe page to go to after login, or ``default``.

    Looks at the ``next`` argument of the query string or form, then (with
    ``USE_SESSION_FOR_NEXT``) takes ``next`` out of the session. An unsafe
    value is ignored, never followed.
    """
    candidates: list[t.Any] = [request.args.get("next"), request.form.get("next")]
    if current_app.config.get("USE_SESSION_FOR_NEXT") and "next" in session:
        candidates.append(session.pop("next"))
    for candidate in candidates:
        if is_safe_next_url(candidate):
            return t.cast(str, candidate)
    return default
