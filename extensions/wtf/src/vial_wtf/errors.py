"""Content negotiation for the errors vial-wtf raises.

vial-wtf answers bad requests (a failed CSRF check, a JSON body that is not
a form) by raising HTTP exceptions, never by building responses itself, so
apps keep full control through ``errorhandler``. When the app has no handler,
the exception renders itself: a client that sent JSON or prefers
``application/json`` gets a JSON body, a browser gets werkzeug's HTML page.
"""

from __future__ import annotations

import json
import typing as t

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import BadRequest
from werkzeug.http import parse_accept_header
from werkzeug.http import parse_options_header

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def wants_json(environ: WSGIEnvironment) -> bool:
    """Return whether the request sent JSON or prefers a JSON answer to HTML.

    A browser's ``Accept`` header ranks ``text/html`` first, and ``*/*``
    ranks both the same; only a client that ranks JSON strictly higher, or
    that sent a JSON body itself, gets JSON.
    """
    mimetype = parse_options_header(environ.get("CONTENT_TYPE", ""))[0].lower()
    if _is_json_mimetype(mimetype):
        return True
    accept = parse_accept_header(environ.get("HTTP_ACCEPT"), MIMEAccept)
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


class NegotiatedBadRequest(BadRequest):
    """A 400 error that renders as JSON for JSON clients and HTML otherwise.

    The JSON body is ``{"code": 400, "name": "Bad Request", "error": ...}``,
    where ``error`` is the exception's :attr:`description`.
    """

    def _json_wanted(self, environ: WSGIEnvironment | None) -> bool:
        return environ is not None and wants_json(environ)

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Return the response headers, with a JSON content type for JSON
        clients."""
        if self._json_wanted(environ):
            return [("Content-Type", "application/json")]
        return super().get_headers(environ, scope)

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> str:
        """Return the response body, a JSON object for JSON clients."""
        if self._json_wanted(environ):
            body = {"code": self.code, "name": self.name, "error": self.description}
            return json.dumps(body)
        return super().get_body(environ, scope)
