"""Token authentication with a token of the app's own, with Flask-HTTPAuth's API.

.. code-block:: python

    auth = HTTPTokenAuth(scheme="Bearer")

    @auth.verify_token
    def verify_token(token: str) -> User | None:
        return User.find_by_api_key(token)

The token comes from ``Authorization: Bearer <token>`` (the scheme compared
without regard to case), or from the whole value of a custom header
(``HTTPTokenAuth(header="X-API-Key")``). For tokens this package makes and
checks itself, signed or stored, see :class:`~vial_tokens.TokenAuth`.
"""

from __future__ import annotations

import typing as t

from vial.ext import get_app

from .httpauth import HTTPAuth

if t.TYPE_CHECKING:
    from werkzeug.datastructures import Authorization

    from .httpauth import F


class HTTPTokenAuth(HTTPAuth):
    """Authentication by a token the app checks with ``verify_token``.

    :param scheme: the scheme clients send before the token in
        ``Authorization`` and that the ``WWW-Authenticate`` header names.
    :param realm: the realm of the ``WWW-Authenticate`` header.
    :param header: a header whose whole value is the token, such as
        ``"X-API-Key"``, read instead of ``Authorization``.
    """

    def __init__(
        self,
        scheme: str | None = "Bearer",
        realm: str | None = None,
        header: str | None = None,
    ) -> None:
        super().__init__(scheme or "Bearer", realm, header)
        self.verify_token_callback: t.Callable[..., t.Any] | None = None

    def verify_token(self, f: F) -> F:
        """Register the function that checks a token.

        It receives the token (never empty) and returns the user (or
        ``True``) for a valid token, ``None`` or ``False`` otherwise. Compare
        stored secrets with :func:`hmac.compare_digest`, or look up a hash of
        the token, so the check takes no longer for a nearly right token.
        """
        self.verify_token_callback = f
        return f

    def authenticate(self, auth: Authorization | None, stored_password: t.Any) -> t.Any:
        """Check the token with the ``verify_token`` callback."""
        token = auth.token if auth is not None else None
        if not token or self.verify_token_callback is None:
            return None
        return get_app().ensure_sync(self.verify_token_callback)(token)
