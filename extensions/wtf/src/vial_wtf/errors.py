"""The errors vial-wtf raises: bad form submissions and failed CSRF checks.

vial-wtf answers a bad request by raising an HTTP exception, never by
building a response, so apps keep full control through ``errorhandler``.
Without a handler the exception renders itself through
:class:`vial.ext.NegotiatedHTTPException`: a client that sent JSON or
prefers ``application/json`` gets ``{"code": 400, "name": "Bad Request",
"error": <description>}``, a browser an HTML page.
"""

from __future__ import annotations

from werkzeug.exceptions import BadRequest

from vial.ext import NegotiatedHTTPException
from vial.ext import wants_json as wants_json

#: The reason given when a form's CSRF token was made for a session secret
#: that has since been renewed (at a login or logout) or lost.
FORM_EXPIRED = "The form has expired; reload the page and try again."


class NegotiatedBadRequest(NegotiatedHTTPException, BadRequest):
    """A 400 error that renders as JSON for JSON clients and HTML otherwise.

    The JSON body is ``{"code": 400, "name": "Bad Request", "error": ...}``,
    where ``error`` is the exception's :attr:`description`.
    """


class CSRFError(NegotiatedBadRequest):
    """A request failed the CSRF check: a 400 error whose
    :attr:`description` says why.

    Handle it with ``@app.errorhandler(CSRFError)``; without a handler a JSON
    client gets ``{"code": 400, "name": "Bad Request", "error": <reason>}``
    and a browser an HTML error page.
    """

    description = "CSRF validation failed."
