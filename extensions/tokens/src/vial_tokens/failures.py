"""Why a request was refused, and the 401 or 403 that says so.

Authentication code records the reason of a refusal on the request while it
checks the credentials (:func:`record_failure`); the default error handler
turns it into a negotiated error (:func:`auth_error`): a JSON body for JSON
clients, an HTML page for browsers, with the ``WWW-Authenticate`` header for
both. The reason is kept in the WSGI environ, so it belongs to one request
and needs no global state.
"""

from __future__ import annotations

import typing as t

from vial.ext import current_request_context
from vial.ext import negotiated_error
from vial.ext import NegotiatedHTTPException

#: Why credentials were refused; see :data:`vial_tokens.signals.authentication_failed`.
Reason = t.Literal[
    "missing",
    "malformed",
    "too_long",
    "invalid",
    "expired",
    "revoked",
    "inactive",
    "stale",
    "forbidden",
]

_ENVIRON_KEY = "vial_tokens.failure"

_DESCRIPTIONS: dict[str, str] = {
    "missing": "This resource needs credentials; send them in the request.",
    "malformed": (
        "The credentials could not be read; send them in the form the"
        " WWW-Authenticate header names."
    ),
    "too_long": "The credentials are too long; send a shorter token.",
    "invalid": "The credentials are not valid; log in or get a new token.",
    "expired": "The token has expired; get a new one.",
    "revoked": "The token was revoked; get a new one.",
    "stale": "The nonce has expired; answer the new one.",
    "forbidden": (
        "The credentials are valid, but they do not grant access to this resource."
    ),
}

#: What a client is told: a deactivated account looks like bad credentials,
#: so a token or password tells nobody whether its account still exists.
_PUBLIC_REASONS: dict[str, str] = {"inactive": "invalid"}


def record_failure(reason: Reason) -> None:
    """Record why the current request's credentials were refused.

    A later call replaces an earlier one. Does nothing outside a request.
    """
    ctx = current_request_context()
    if ctx is not None:
        ctx.request.environ[_ENVIRON_KEY] = reason


def clear_failure() -> None:
    """Forget the reason recorded for the current request, before a new check."""
    ctx = current_request_context()
    if ctx is not None:
        ctx.request.environ.pop(_ENVIRON_KEY, None)


def recorded_failure() -> Reason | None:
    """Return the reason recorded for the current request, if any."""
    ctx = current_request_context()
    if ctx is None:
        return None
    reason: Reason | None = ctx.request.environ.get(_ENVIRON_KEY)
    return reason


def public_reason(reason: Reason) -> str:
    """Return the reason as a client may see it."""
    return _PUBLIC_REASONS.get(reason, reason)


def describe(reason: Reason) -> str:
    """Return the sentence that tells a client what went wrong."""
    return _DESCRIPTIONS[public_reason(reason)]


def auth_error(status: int, reason: Reason, challenge: str) -> NegotiatedHTTPException:
    """Return the negotiated 401 or 403 for ``reason``, ready to raise.

    :param challenge: the ``WWW-Authenticate`` header value.
    """
    return negotiated_error(
        status,
        describe(reason),
        headers={"WWW-Authenticate": challenge},
        json_extra={"reason": public_reason(reason)},
    )
