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


class ContextProxy(LocalProxy):  # type: ignore[type-arg]
    """A :class:`werkzeug.local.LocalProxy` with faster attribute access.

    werkzeug's proxy reaches ``proxy.name`` only once the lookup on the proxy
    itself has failed, and that failure builds and drops an
    :exc:`AttributeError` on every read. Here a name the proxy class does not
    define is read from the bound object at once, and any other name is
    looked up as before. Setting attributes and the item operations go to
    the bound object directly. Results, and the error raised when nothing is
    bound, are the same as werkzeug's.
    """

    __slots__ = ()

    def __getattribute__(self, name: str) -> t.Any:
        if name in _PROXY_NAMES:
            try:
                return object.__getattribute__(self, name)
            except AttributeError:
                pass  # as werkzeug does: ask the bound object
        # _bound() inlined: this is the read every view makes.
        return getattr(object.__getattribute__(self, "_get_current_object")(), name)

    def __setattr__(self, name: str, value: t.Any) -> None:
        setattr(_bound(self), name, value)

    def __getitem__(self, key: t.Any) -> t.Any:
        return _bound(self)[key]

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        _bound(self)[key] = value

    def __contains__(self, key: t.Any) -> bool:
        return key in _bound(self)

    def __bool__(self) -> bool:
        try:
            bound = _bound(self)
        except RuntimeError:
            return False  # nothing bound, as werkzeug answers
        return bool(bound)


def _bound(proxy: ContextProxy) -> t.Any:
    """Return the object ``proxy`` stands for; RuntimeError when unbound."""
    return object.__getattribute__(proxy, "_get_current_object")()


#: Names the proxy classes define themselves (special methods, __class__,
#: __doc__, _get_current_object) and werkzeug's slot for the context local.
_PROXY_NAMES = frozenset(
    name for cls in ContextProxy.__mro__ for name in vars(cls)
) | frozenset(("_LocalProxy__wrapped",))

_cv_app: ContextVar[AppContext] = ContextVar("vial.app_ctx")
app_ctx: AppContext = ContextProxy(  # type: ignore[assignment]
    _cv_app, unbound_message=_no_app_msg
)
current_app: Vial = ContextProxy(  # type: ignore[assignment]
    _cv_app, "app", unbound_message=_no_app_msg
)
g: _AppCtxGlobals = ContextProxy(  # type: ignore[assignment]
    _cv_app, "g", unbound_message=_no_app_msg
)

_cv_request: ContextVar[RequestContext] = ContextVar("vial.request_ctx")
request_ctx: RequestContext = ContextProxy(  # type: ignore[assignment]
    _cv_request, unbound_message=_no_req_msg
)
request: Request = ContextProxy(  # type: ignore[assignment]
    _cv_request, "request", unbound_message=_no_req_msg
)
session: SessionMixin = ContextProxy(  # type: ignore[assignment]
    _cv_request, "session", unbound_message=_no_req_msg
)
