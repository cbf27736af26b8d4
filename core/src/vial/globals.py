"""Context-local objects: ``current_app``, ``g``, ``request`` and ``session``.

Each is a proxy to an attribute of the application or request context that is
active in the current thread, greenlet or asyncio task. The contexts live in
:mod:`contextvars`, so concurrent requests never see each other's state.
"""

from __future__ import annotations

import typing as t
from contextvars import ContextVar

from werkzeug.local import LocalProxy

if t.TYPE_CHECKING:
    from .app import Vial
    from .ctx import _AppCtxGlobals
    from .ctx import AppContext
    from .ctx import RequestContext
    from .sessions import SessionMixin
    from .wrappers import Request

_no_app_msg = """\
Working outside of application context.

Something tried to use the current application (current_app, g, url_for, ...)
but no application context is active. Push one with 'with app.app_context():'
around the code, or run it inside a request or a CLI command.\
"""
_no_req_msg = """\
Working outside of request context.

Something tried to use the current request (request, session, ...) but no
request is being handled. Run the code inside a view function, or push a
context with 'with app.test_request_context():' in tests and scripts.\
"""

_cv_app: ContextVar[AppContext] = ContextVar("vial.app_ctx")
app_ctx: AppContext = LocalProxy(  # type: ignore[assignment]
    _cv_app, unbound_message=_no_app_msg
)
current_app: Vial = LocalProxy(  # type: ignore[assignment]
    _cv_app, "app", unbound_message=_no_app_msg
)
g: _AppCtxGlobals = LocalProxy(  # type: ignore[assignment]
    _cv_app, "g", unbound_message=_no_app_msg
)

_cv_request: ContextVar[RequestContext] = ContextVar("vial.request_ctx")
request_ctx: RequestContext = LocalProxy(  # type: ignore[assignment]
    _cv_request, unbound_message=_no_req_msg
)
request: Request = LocalProxy(  # type: ignore[assignment]
    _cv_request, "request", unbound_message=_no_req_msg
)
session: SessionMixin = LocalProxy(  # type: ignore[assignment]
    _cv_request, "session", unbound_message=_no_req_msg
)
