"""JSON or HTML, by content negotiation.

Extensions that answer both browsers and API clients (a failed CSRF check,
a login required, a token refused, a lockout) decide the same way: a
client that sent JSON, or that ranks ``application/json`` strictly above
``text/html`` in its ``Accept`` header, gets a JSON body; every other
client, browsers included, gets an HTML page.

Errors are raised as HTTP exceptions, never built as responses, so an app
keeps control through ``errorhandler``; without a handler, the exception
renders itself by the same rule.
"""

from __future__ import annotations

import json
import typing as t

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import default_exceptions
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header
from werkzeug.http import parse_options_header

from .context import current_request_context

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from vial.wrappers import Request


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def wants_json(request: Request | WSGIEnvironment | None = None) -> bool:
    """Return whether the client sent JSON or prefers a JSON answer to HTML.

    A browser's ``Accept`` header ranks ``text/html`` first, and ``*/*``
    ranks both the same; only a client that ranks JSON strictly higher, or
    that sent a JSON body itself, gets JSON.

    :param request: a request or a WSGI environ; the current request by
        default. ``False`` outside a request.
    """
    if request is None:
        ctx = current_request_context()
        if ctx is None:
            return False
        environ = ctx.request.environ
    elif isinstance(request, dict):
        environ = request
    else:
        environ = request.environ
    content_type = environ.get("CONTENT_TYPE")
    if content_type and _is_json_mimetype(
        parse_options_header(content_type)[0].lower()
    ):
        return True
    accept_header = environ.get("HTTP_ACCEPT")
    if not accept_header:
        return False
    accept = parse_accept_header(accept_header, MIMEAccept)
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


class NegotiatedHTTPException(HTTPException):
    """An HTTP error that renders as JSON for JSON clients and HTML otherwise.

    Combine it with a werkzeug exception to get its code and name:

    .. code-block:: python

        class CSRFError(NegotiatedHTTPException, BadRequest):
            description = "The CSRF token is missing."

    The JSON body is ``{"code": ..., "name": ..., "error": <description>}``
    plus the items of :attr:`json_extra`. Headers given to the constructor
    (``WWW-Authenticate``, ``Retry-After``) are sent to both kinds of client.

    :param description: what went wrong, for the user.
    :param response: a ready response, as for any werkzeug exception.
    :param headers: extra response headers.
    :param json_extra: extra items of the JSON body.
    """

    def __init__(
        self,
        description: str | None = None,
        response: t.Any = None,
        *,
        headers: t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None = None,
        json_extra: t.Mapping[str, t.Any] | None = None,
    ) -> None:
        super().__init__(description, response)
        #: Extra response headers, sent to every client.
        self.extra_headers: list[tuple[str, str]] = list(
            headers.items() if isinstance(headers, t.Mapping) else headers or ()
        )
        #: Extra items of the JSON body.
        self.json_extra: dict[str, t.Any] = dict(json_extra or {})

    def get_headers(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> list[tuple[str, str]]:
        """Return the headers: a JSON or HTML content type, and the extras."""
        if environ is not None and wants_json(environ):
            headers = [("Content-Type", "application/json")]
        else:
            headers = super().get_headers(environ, scope)
        return headers + self.extra_headers

    def get_body(
        self,
        environ: WSGIEnvironment | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> str:
        """Return the body: a JSON object for JSON clients, else an HTML page."""
        if environ is not None and wants_json(environ):
            body = {"code": self.code, "name": self.name, "error": self.description}
            body.update(self.json_extra)
            return json.dumps(body)
        return super().get_body(environ, scope)


_negotiated_classes: dict[int, type[NegotiatedHTTPException]] = {}


def negotiated_error(
    code: int,
    description: str | None = None,
    *,
    headers: t.Mapping[str, str] | t.Iterable[tuple[str, str]] | None = None,
    json_extra: t.Mapping[str, t.Any] | None = None,
) -> NegotiatedHTTPException:
    """Return a negotiated HTTP error for ``code``, ready to raise.

    The exception is also an instance of werkzeug's class for the code
    (``Unauthorized`` for 401), so ``errorhandler(401)`` and
    ``errorhandler(Unauthorized)`` both catch it.

    .. code-block:: python

        raise negotiated_error(
            401, "The token has expired.",
            headers={"WWW-Authenticate": 'Bearer realm="api"'},
        )

    :raises LookupError: werkzeug has no exception for ``code``.
    """
    cls = _negotiated_classes.get(code)
    if cls is None:
        try:
            base = default_exceptions[code]
        except KeyError:
            raise LookupError(
                f"There is no HTTP error with the status code {code}; use a"
                " 4xx or 5xx code that werkzeug.exceptions defines."
            ) from None
        cls = type(base.__name__, (NegotiatedHTTPException, base), {})
        _negotiated_classes[code] = cls
    return cls(description, headers=headers, json_extra=json_extra)
