"""Several schemes on one view: :class:`MultiAuth`, with Flask-HTTPAuth's API."""

from __future__ import annotations

import typing as t

from vial.ext import get_request

from .httpauth import ViewGuard

if t.TYPE_CHECKING:
    from .httpauth import HTTPAuth


class MultiAuth(ViewGuard):
    """Protect views with the first of several schemes the request uses.

    .. code-block:: python

        auth = MultiAuth(basic_auth, token_auth)

        @app.get("/api/items")
        @auth.login_required
        def items(): ...

    A request is checked by the first scheme whose credentials it carries
    (see ``is_compatible_auth``); a request with none is checked, and
    refused, by ``main_auth``, whose ``WWW-Authenticate`` header it gets.

    :param main_auth: the scheme of requests without credentials.
    :param additional_auths: the other schemes, tried in order.
    """

    def __init__(self, main_auth: HTTPAuth, *additional_auths: HTTPAuth) -> None:
        self.main_auth = main_auth
        self.additional_auths = additional_auths

    def select_auth(self) -> HTTPAuth:
        """Return the scheme that checks the current request."""
        headers = get_request().headers
        if self.main_auth.is_compatible_auth(headers):
            return self.main_auth
        for auth in self.additional_auths:
            if auth.is_compatible_auth(headers):
                return auth
        return self.main_auth
