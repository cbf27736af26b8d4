"""Typed access to the current application, request and contexts.

The proxies ``current_app`` and ``request`` are right for application code.
An extension that reads them many times per request, or that needs the
real object (to use it as a dictionary key, a signal sender or a cache
scope), gets it here, typed, without reaching into a proxy's internals.
"""

from __future__ import annotations

import typing as t

from vial.globals import _cv_app
from vial.globals import _cv_request
from vial.globals import _no_app_msg
from vial.globals import _no_req_msg

if t.TYPE_CHECKING:
    from vial.app import Vial
    from vial.ctx import AppContext
    from vial.ctx import RequestContext
    from vial.wrappers import Request


def get_app() -> Vial:
    """Return the current application object (not a proxy to it).

    :raises RuntimeError: no application context is active.
    """
    ctx = _cv_app.get(None)
    if ctx is None:
        raise RuntimeError(_no_app_msg)
    return ctx.app


def find_app() -> Vial | None:
    """Return the current application object, or ``None`` outside a context."""
    ctx = _cv_app.get(None)
    return None if ctx is None else ctx.app


def get_request() -> Request:
    """Return the current request object (not a proxy to it).

    :raises RuntimeError: no request context is active.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(_no_req_msg)
    return ctx.request


def current_app_context() -> AppContext | None:
    """Return the active application context, or ``None``.

    Its identity scopes per-context resources, such as a database session
    that lives as long as one request, CLI command or ``app_context()``.
    """
    return _cv_app.get(None)


def current_request_context() -> RequestContext | None:
    """Return the active request context, or ``None``."""
    return _cv_request.get(None)
