"""Where to send the user after login, without becoming an open redirect.

A login page that redirects to whatever ``next`` says lets an attacker
send a link to the real login page that ends on their own site. vial-login
only accepts a ``next`` that :func:`vial.ext.is_safe_redirect_url` accepts:
a path on the same site, starting with one ``/``, holding nothing a browser
could read as another host.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app
from vial.ext import get_request
from vial.ext import is_safe_redirect_url
from vial.ext import session


def is_safe_next_url(target: str | None) -> bool:
    """Return whether ``target`` is a path on this site, safe to redirect to.

    The check of :func:`vial.ext.is_safe_redirect_url`, under the name
    vial-login has always exported. Accepted: ``/account``,
    ``/search?q=a%20b#top``. Refused: ``None`` and empty values, absolute
    URLs (``https://evil.example``), protocol-relative URLs
    (``//evil.example``), backslashes, schemes such as ``javascript:``,
    relative paths, whitespace and control characters, and encoded slashes
    right after the leading ``/``.
    """
    return is_safe_redirect_url(target)


def get_next_url(default: str | None = None) -> str | None:
    """Return the safe page to go to after login, or ``default``.

    Looks at the ``next`` argument of the query string or form, then (with
    ``USE_SESSION_FOR_NEXT``) takes ``next`` out of the session. An unsafe
    value is ignored, never followed.
    """
    request = get_request()
    candidates: list[t.Any] = [request.args.get("next"), request.form.get("next")]
    if get_app().config.get("USE_SESSION_FOR_NEXT") and "next" in session:
        candidates.append(session.pop("next"))
    for candidate in candidates:
        if is_safe_redirect_url(candidate):
            return t.cast(str, candidate)
    return default
