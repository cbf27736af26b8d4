"""The scenarios as raw WSGI callables: the cost of WSGI itself.

Only scenarios that need no framework make sense here (hello, JSON with a
hand-written path split, 404); everything else is n/a rather than a toy
re-implementation of a framework.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .spec import HELLO_BODY
from .spec import json_payload

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

_HELLO = HELLO_BODY.encode()
_NOT_FOUND = b"Not Found"


def _not_found(start_response: StartResponse) -> Iterable[bytes]:
    start_response(
        "404 Not Found",
        [("Content-Type", "text/plain"), ("Content-Length", str(len(_NOT_FOUND)))],
    )
    return [_NOT_FOUND]


def hello() -> WSGIApplication:
    """Plain text hello world."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ["PATH_INFO"] != "/":
            return _not_found(start_response)
        start_response(
            "200 OK",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(_HELLO)))],
        )
        return [_HELLO]

    return app


def json_view() -> WSGIApplication:
    """Two path segments parsed by hand, a small dict returned as JSON."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        parts = environ["PATH_INFO"].split("/")
        if (
            len(parts) != 5
            or parts[1] != "user"
            or parts[3] != "post"
            or not parts[2].isdigit()
            or not parts[4]
        ):
            return _not_found(start_response)
        body = json.dumps(json_payload(int(parts[2]), parts[4])).encode()
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
            ],
        )
        return [body]

    return app


def not_found() -> WSGIApplication:
    """The hello app asked for a path it does not have."""
    return hello()


APPS: dict[str, Callable[[], WSGIApplication]] = {
    "hello": hello,
    "json": json_view,
    "not_found": not_found,
}
